import Foundation
import Testing

@testable import KioskCore

/// The operator's real files under `Kiosk/`, loaded through `DefinitionLoader` exactly as the kiosk does.
enum KioskFiles {
    /// The package root: this file is `Tests/KioskCoreTests/Support/KioskFiles.swift`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // KioskCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let kioskDirectory = packageRoot.appendingPathComponent("Kiosk")

    /// A fixed "today", so ages in the tests never change with the clock.
    static let today = CalendarDate(year: 2026, month: 11, day: 27)!

    /// The raw bytes of a file under `Kiosk/`, e.g. `forms/ua-contract.json`.
    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: kioskDirectory.appendingPathComponent(relativePath))
    }

    static func catalog() throws -> UnitCatalog {
        try DefinitionLoader.catalog(from: data("units.json"), file: "units.json")
    }

    static func numbers() throws -> MobileNumberPlan {
        try DefinitionLoader.mobileNumberPlan(from: data("phone-numbers.json"), file: "phone-numbers.json")
    }

    static func form(_ id: String) throws -> FormDefinition {
        let file = "forms/\(id).json"
        return try DefinitionLoader.form(from: data(file), file: file, catalog: catalog())
    }

    static func strings(_ language: Language) throws -> InterfaceStrings {
        let file = "strings/\(language.rawValue).json"
        return try DefinitionLoader.strings(from: data(file), language: language, file: file)
    }

    /// A fresh session on a real form in one language, with the fixed `today`.
    static func session(_ formID: String = "ua-contract", _ language: Language = .en) throws -> FormSession {
        FormSession(
            form: try form(formID), catalog: try catalog(), numbers: try numbers(), strings: try strings(language),
            today: today)
    }

    /// The answer parser of a real form in one language, with the fixed `today`.
    static func parser(_ formID: String = "ua-contract", _ language: Language = .en) throws -> AnswerParser {
        AnswerParser(
            form: try form(formID), catalog: try catalog(), numbers: try numbers(), strings: try strings(language),
            today: today)
    }

    /// The message the applicant sees for a failure code, in one language.
    static func message(
        _ code: String, _ arguments: [String: String] = [:], in language: Language = .en
    ) throws
        -> String
    {
        let typed = try #require(ValidationFailure.Code(rawValue: code), "no failure code \(code)")
        return try strings(language).message(for: ValidationFailure(typed, arguments))
    }
}
