// libFuzzer harness: every validator of KioskCore, and the whole form flow on the real forms.
//
// The input is read as text (invalid UTF-8 repaired, as a line that reached the flow would be).
// Each validator gets the whole text and every line of it; whatever it accepts must be stable
// (normalising a normalised value gives it back). Then the lines are typed, in order, into a
// FormSession of each real form in Kiosk/ (language from the first byte), up to 400 steps:
// nothing may crash, and a submitted draft holds only fields of the form.
import Foundation
import KioskCore

private let kioskDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Kiosk")

private struct Loaded {
    let forms: [FormDefinition]
    let catalog: UnitCatalog
    let numbers: MobileNumberPlan
    let strings: [Language: InterfaceStrings]
}

private let loaded: Loaded = {
    do {
        let catalog = try DefinitionLoader.catalog(
            from: Data(contentsOf: kioskDir.appendingPathComponent("units.json")), file: "units.json")
        let numbers = try DefinitionLoader.mobileNumberPlan(
            from: Data(contentsOf: kioskDir.appendingPathComponent("phone-numbers.json")), file: "phone-numbers.json")
        var strings: [Language: InterfaceStrings] = [:]
        for language in Language.allCases {
            let file = "strings/\(language.rawValue).json"
            strings[language] = try DefinitionLoader.strings(
                from: Data(contentsOf: kioskDir.appendingPathComponent(file)), language: language, file: file)
        }
        let forms = try ["ua-contract", "lt-volunteer"].map { id in
            try DefinitionLoader.form(
                from: Data(contentsOf: kioskDir.appendingPathComponent("forms/\(id).json")), file: "forms/\(id).json",
                catalog: catalog)
        }
        return Loaded(forms: forms, catalog: catalog, numbers: numbers, strings: strings)
    } catch {
        fatalError("cannot load \(kioskDir.path): \(error)")
    }
}()

private let today = CalendarDate(year: 2026, month: 11, day: 27)!

private func stable(_ name: String, _ text: String, _ normalize: (String) throws(ValidationFailure) -> String) {
    guard let once = try? normalize(text) else { return }
    guard let twice = try? normalize(once) else {
        fatalError("\(name): its own output \(once.debugDescription) is refused")
    }
    if twice != once { fatalError("\(name): not stable, \(once.debugDescription) became \(twice.debugDescription)") }
}

private func validators(_ text: String) {
    stable("PersonName", text) { t throws(ValidationFailure) in try PersonName.normalize(t, maxLength: 60) }
    stable("EmailAddress", text) { t throws(ValidationFailure) in try EmailAddress.normalize(t) }
    stable("PhoneNumber UA", text) { t throws(ValidationFailure) in
        try PhoneNumber.normalize(t, plan: loaded.numbers, allowedCountries: ["UA"], defaultCountry: "UA")
    }
    stable("PhoneNumber UA+LT", text) { t throws(ValidationFailure) in
        try PhoneNumber.normalize(t, plan: loaded.numbers, allowedCountries: ["UA", "LT"], defaultCountry: "LT")
    }
    stable("ID card", text) { t throws(ValidationFailure) in try UkrainianDocumentNumber.normalize(t, kind: .idCard) }
    stable("passport", text) { t throws(ValidationFailure) in
        try UkrainianDocumentNumber.normalize(t, kind: .passport)
    }
    if let code = try? RNOKPP.parse(text), (try? RNOKPP.parse(code.digits)) != code {
        fatalError("RNOKPP: \(code.digits) does not parse back to itself")
    }
    if let code = try? LithuanianPersonalCode.parse(text), (try? LithuanianPersonalCode.parse(code.digits)) != code {
        fatalError("LithuanianPersonalCode: \(code.digits) does not parse back to itself")
    }
    if let date = try? CalendarDate.parse(text) {
        _ = try? date.checkAge(on: today, min: 18, max: 60)
        _ = date.age(on: today)
        _ = date.adding(days: 1)
    }
}

private func flow(_ lines: [String], form: FormDefinition, language: Language) {
    guard let strings = loaded.strings[language] else { return }
    var session = FormSession(
        form: form, catalog: loaded.catalog, numbers: loaded.numbers, strings: strings, today: today)
    var step = session.start()
    var storeFailures = 0
    for line in lines.prefix(400) {
        if case .submit(let draft) = step {
            let known = Set(form.fields.map(\.id))
            if let stray = draft.answers.keys.first(where: { !known.contains($0) }) {
                fatalError("a draft holds \(stray), which is not a field of \(form.id)")
            }
            // As the kiosk does when the database refuses the draft: back to the review, once.
            guard storeFailures == 0 else { return }
            storeFailures += 1
            step = session.storeFailed(message: "store failed")
            continue
        }
        if case .cancelled = step { return }
        step = session.handle(line)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidators(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1, size <= 8192 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    validators(text)
    for line in lines.prefix(64) { validators(line) }
    let languages = Language.allCases
    for form in loaded.forms {
        let language = languages[Int(bytes[0]) % languages.count]
        flow(lines, form: form, language: form.languages.contains(language) ? language : form.languages[0])
    }
    return 0
}
