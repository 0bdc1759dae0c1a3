// libFuzzer harness: the form-definition loader (forms, unit catalog, interface strings).
//
// The same bytes are offered as a form, as a unit catalog and as a strings file: each must be
// accepted or refused with a DefinitionError, never crash or hang. A form that is accepted is
// then filled with a fixed script in each of its languages, so a definition that the checker
// lets through cannot crash the flow either.
import Foundation
import KioskCore

private let kioskDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Kiosk")

private let catalog: UnitCatalog = {
    do {
        return try DefinitionLoader.catalog(
            from: Data(contentsOf: kioskDir.appendingPathComponent("units.json")), file: "units.json")
    } catch {
        fatalError("cannot load units.json: \(error)")
    }
}()

private let numbers: MobileNumberPlan = {
    do {
        return try DefinitionLoader.mobileNumberPlan(
            from: Data(contentsOf: kioskDir.appendingPathComponent("phone-numbers.json")), file: "phone-numbers.json")
    } catch {
        fatalError("cannot load phone-numbers.json: \(error)")
    }
}()

private let strings: [Language: InterfaceStrings] = {
    var strings: [Language: InterfaceStrings] = [:]
    for language in Language.allCases {
        let file = "strings/\(language.rawValue).json"
        do {
            strings[language] = try DefinitionLoader.strings(
                from: Data(contentsOf: kioskDir.appendingPathComponent(file)), language: language, file: file)
        } catch {
            fatalError("cannot load \(file): \(error)")
        }
    }
    return strings
}()

/// Answers that walk through most fields of the real forms, with the commands mixed in.
private let script = [
    "Shevchenko", "Taras", "", "2000-01-01", "1", "3652504575", "1", "123456789", "+380 67 123 45 67", "",
    "1", "2", "back", "2", "no", "1", "7", "", "1", "yes", "help", "review", "1", "Petrenko", "confirm",
    "33309240064", "+370 612 34567", "x", "2", "yes", "1,2", "cancel", "no", "confirm", "",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size <= 65_536 else { return 0 }
    let bytes = Data(bytes: data, count: size)
    _ = try? DefinitionLoader.catalog(from: bytes, file: "units.json")
    _ = try? DefinitionLoader.strings(from: bytes, language: .en, file: "strings/en.json")
    // The loader wants the file named after the form's id; take the id the bytes claim.
    var file = "forms/ua-contract.json"
    if let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any], let id = object["id"] as? String,
        !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    {
        file = "forms/\(id).json"
    }
    guard let form = try? DefinitionLoader.form(from: bytes, file: file, catalog: catalog) else { return 0 }
    for language in form.languages {
        guard let texts = strings[language] else { continue }
        var session = FormSession(
            form: form, catalog: catalog, numbers: numbers, strings: texts,
            today: CalendarDate(year: 2026, month: 11, day: 27)!)
        var step = session.start()
        for line in script {
            if case .submit = step { break }
            if case .cancelled = step { break }
            step = session.handle(line)
        }
    }
    return 0
}
