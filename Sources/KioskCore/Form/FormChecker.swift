/// The rules a form definition must follow beyond its JSON shape.
///
/// References point only backwards (to fields asked earlier), so skip logic and cross-field
/// checks can always be evaluated, and every text exists in every language the form offers.
struct FormChecker {
    let form: FormDefinition
    let catalog: UnitCatalog
    let file: String

    func check() throws(DefinitionError) {
        guard form.version >= 1 else { throw problem("version must be 1 or more") }
        guard form.country.count == 2, form.country.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw problem("country must be a two-letter upper-case code such as UA")
        }
        guard !form.languages.isEmpty, Set(form.languages).count == form.languages.count else {
            throw problem("languages must list each language once")
        }
        guard !form.fields.isEmpty else { throw problem("a form needs at least one field") }
        guard !form.consent.version.isEmpty else { throw problem("consent version must not be empty", at: "consent") }
        try translated(form.title, "title", at: nil)
        try translated(form.consent.text, "consent text", at: "consent")
        try translated(form.bringToDesk, "bring_to_desk", at: nil)
        if let birth = form.birthDateField, form.field(birth)?.type != .date {
            throw problem("birth_date_field \"\(birth)\" must name a date field")
        }
        var seen: [String: FieldDefinition] = [:]
        for field in form.fields {
            try check(field, earlier: seen)
            seen[field.id] = field
        }
        guard let consentField = form.field(form.consent.field), consentField.type == .yesNo,
            consentField.required, consentField.showIf == nil,
            consentField.validators.contains(.mustBe("yes"))
        else {
            throw problem(
                "consent field \"\(form.consent.field)\" must name a required yes-no field, always asked, that must be yes",
                at: "consent")
        }
    }

    private func check(_ field: FieldDefinition, earlier: [String: FieldDefinition]) throws(DefinitionError) {
        let at = "field \"\(field.id)\""
        guard !field.id.isEmpty, field.id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else { throw problem("field ids use a-z, 0-9 and _ only", at: at) }
        guard earlier[field.id] == nil else { throw problem("the id is used twice", at: at) }
        try translated(field.label, "label", at: at)
        if let help = field.help { try translated(help, "help", at: at) }
        if let max = field.maxLength, !(1...512).contains(max) { throw problem("max_length must be 1 to 512", at: at) }
        try checkChoices(field, earlier: earlier, at: at)
        if let condition = field.showIf {
            guard let source = earlier[condition.field] else {
                throw problem("show_if refers to \"\(condition.field)\", which is not an earlier field", at: at)
            }
            let values = [condition.equals, condition.notEquals].compactMap { $0 } + (condition.isIn ?? [])
            guard !values.isEmpty else { throw problem("show_if needs equals, not_equals or in", at: at) }
            if let known = fixedValues(of: source), let unknown = values.first(where: { !known.contains($0) }) {
                throw problem("show_if value \"\(unknown)\" is not a value of \"\(source.id)\"", at: at)
            }
        }
        for spec in field.validators {
            try checkValidator(spec, field: field, earlier: earlier, at: at)
        }
    }

    private func checkChoices(
        _ field: FieldDefinition, earlier: [String: FieldDefinition], at: String
    )
        throws(DefinitionError)
    {
        let isChoice = field.type == .choice || field.type == .multiChoice
        guard isChoice else {
            if field.choices != nil || field.choicesFrom != nil {
                throw problem("only choice and multi-choice fields have choices", at: at)
            }
            return
        }
        switch (field.choices, field.choicesFrom) {
        case (let choices?, nil):
            guard !choices.isEmpty else { throw problem("choices must not be empty", at: at) }
            var values = Set<String>()
            for choice in choices {
                guard !choice.value.isEmpty, values.insert(choice.value).inserted else {
                    throw problem("choice values must be unique and non-empty", at: at)
                }
                try translated(choice.label, "label of choice \"\(choice.value)\"", at: at)
                if let age = choice.age {
                    guard form.birthDateField != nil else {
                        throw problem("a choice with an age range needs the form's birth_date_field", at: at)
                    }
                    if let min = age.min, let max = age.max, min > max {
                        throw problem("choice \"\(choice.value)\" has an age range with min above max", at: at)
                    }
                }
            }
        case (nil, .units?):
            if !catalog.units.contains(where: { $0.country == form.country }) {
                throw problem("choices_from units, but the unit catalog has no unit for \(form.country)", at: at)
            }
        case (nil, .unitPositions?):
            guard let source = field.sourceField, earlier[source]?.choicesFrom == .units else {
                throw problem(
                    "unit-positions needs source_field naming an earlier field with choices_from units", at: at)
            }
            // Without a unit there are no positions: the question must not be asked then.
            guard field.showIf == FieldCondition(field: source, notEquals: UnitCatalog.noPreference) else {
                throw problem(
                    "unit-positions needs \"show_if\": {\"field\": \"\(source)\", \"not_equals\": \"none\"}", at: at)
            }
        case (nil, nil):
            throw problem("a \(field.type.rawValue) field needs choices or choices_from", at: at)
        case (.some, .some):
            throw problem("give either choices or choices_from, not both", at: at)
        }
    }

    private func checkValidator(
        _ spec: ValidatorSpec, field: FieldDefinition, earlier: [String: FieldDefinition], at: String
    ) throws(DefinitionError) {
        let allowedTypes: [FieldType]
        switch spec {
        case .personName, .phone, .email: allowedTypes = [.text]
        case .age: allowedTypes = [.date]
        case .rnokpp, .lithuanianPersonalCode, .ukrainianDocument: allowedTypes = [.identifier, .text]
        case .mustBe: allowedTypes = [.yesNo, .choice]
        }
        guard allowedTypes.contains(field.type) else {
            throw problem("this validator does not apply to a \(field.type.rawValue) field", at: at)
        }
        for reference in spec.referencedFields where earlier[reference] == nil {
            throw problem("validator refers to \"\(reference)\", which is not an earlier field", at: at)
        }
        switch spec {
        case .rnokpp(let birth, let sex), .lithuanianPersonalCode(let birth, let sex):
            if let birth, earlier[birth]?.type != .date {
                throw problem("\"\(birth)\" must be a date field", at: at)
            }
            if let sex, let values = earlier[sex].flatMap(fixedValues), Set(values) != ["male", "female"] {
                throw problem("\"\(sex)\" must be a choice of exactly \"male\" and \"female\"", at: at)
            }
        case .ukrainianDocument(let typeField):
            let values = earlier[typeField].flatMap(fixedValues) ?? []
            if let bad = values.first(where: { UkrainianDocumentKind(rawValue: $0) == nil }) {
                throw problem("\"\(typeField)\" has value \"\(bad)\"; document types are id-card and passport", at: at)
            }
        case .phone(let countries, let defaultCountry):
            if countries.isEmpty || !countries.contains(defaultCountry)
                || !countries.allSatisfy({ ["UA", "LT"].contains($0) })
            {
                throw problem("phone countries must be UA and/or LT and include the default country", at: at)
            }
        case .age(let range):
            if let min = range.min, let max = range.max, min > max {
                throw problem("age min is above max", at: at)
            }
        case .mustBe(let value):
            if let values = fixedValues(of: field), !values.contains(value) {
                throw problem("must-be value \"\(value)\" is not one of the field's values", at: at)
            }
        case .personName, .email:
            break
        }
    }

    /// The values a field can take when they are known from the definition alone.
    private func fixedValues(of field: FieldDefinition) -> [String]? {
        switch field.type {
        case .yesNo: ["yes", "no"]
        case .choice, .multiChoice:
            field.choicesFrom == .units
                ? catalog.units.map(\.id) + [UnitCatalog.noPreference] : field.choices?.map(\.value)
        default: nil
        }
    }

    private func translated(_ text: LocalizedText, _ what: String, at: String?) throws(DefinitionError) {
        if let missing = text.missing(in: form.languages).first {
            throw problem("\(what) has no \(missing.rawValue) text", at: at)
        }
    }

    private func problem(_ text: String, at location: String? = nil) -> DefinitionError {
        DefinitionError(file: file, location: location, problem: text)
    }
}
