import KioskCore

/// The form definitions applications were filled with, read the way staff need them:
/// labels and displayed answers in the console's language, the kiosk's own validators for
/// edits, and the skip logic that decides which answers an application must have.
package struct ReviewForms: Sendable {
    package let forms: [String: FormDefinition]
    package let catalog: UnitCatalog
    package let numbers: MobileNumberPlan
    /// Labels, choice names and validator messages come in this language.
    package let strings: InterfaceStrings

    package init(forms: [FormDefinition], catalog: UnitCatalog, numbers: MobileNumberPlan, strings: InterfaceStrings) {
        self.forms = Dictionary(forms.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.catalog = catalog
        self.numbers = numbers
        self.strings = strings
    }

    package var language: Language { strings.language }

    package func parser(_ form: FormDefinition, today: CalendarDate) -> AnswerParser {
        AnswerParser(form: form, catalog: catalog, numbers: numbers, strings: strings, today: today)
    }

    package func label(_ field: FieldDefinition) -> String {
        field.label.resolve(language)
    }

    /// An answer as a person reads it: choice labels rather than stored values.
    package func display(
        _ value: AnswerValue, for field: FieldDefinition, in form: FormDefinition, answers: [String: AnswerValue],
        today: CalendarDate
    ) -> String {
        parser(form, today: today).display(value, for: field, answers: answers)
    }

    /// The options staff may type the number of when editing a choice field.
    package func options(
        for field: FieldDefinition, in form: FormDefinition, answers: [String: AnswerValue], today: CalendarDate
    )
        -> [String]
    {
        let parser = parser(form, today: today)
        switch field.type {
        case .yesNo: return parser.yesNoOptions().map { $0.label.resolve(language) }
        case .choice, .multiChoice:
            return parser.options(for: field, answers: answers).map { $0.label.resolve(language) }
        default: return []
        }
    }

    /// The answers without those to questions the skip logic no longer asks, and what was dropped.
    package func droppingUnasked(
        _ answers: [String: AnswerValue], in form: FormDefinition
    )
        -> (answers: [String: AnswerValue], dropped: [(FieldDefinition, AnswerValue)])
    {
        var kept = answers
        var dropped: [(FieldDefinition, AnswerValue)] = []
        // Conditions only look back, so one pass in form order settles everything.
        for field in form.fields {
            if let value = kept[field.id], !field.isAsked(given: kept) {
                kept[field.id] = nil
                dropped.append((field, value))
            }
        }
        return (kept, dropped)
    }

    /// What keeps an application from being approved: a required answer missing, or an
    /// answer the validators refuse now (after an edit elsewhere, say), with the message.
    package func problems(
        _ answers: [String: AnswerValue], in form: FormDefinition, today: CalendarDate
    )
        -> [(field: FieldDefinition, message: String)]
    {
        let parser = parser(form, today: today)
        var problems: [(FieldDefinition, String)] = []
        for field in form.fields where field.isAsked(given: answers) {
            guard let value = answers[field.id] else {
                if field.required { problems.append((field, strings.message(for: ValidationFailure(.required)))) }
                continue
            }
            if let failure = parser.recheck(value, for: field, answers: answers) {
                problems.append((field, strings.message(for: failure)))
            }
        }
        for field in form.fields where answers[field.id] != nil && !field.isAsked(given: answers) {
            problems.append((field, "answered, but the form does not ask this given the other answers"))
        }
        return problems
    }
}
