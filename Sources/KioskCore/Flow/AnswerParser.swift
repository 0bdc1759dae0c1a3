import Foundation

/// Turns what an applicant typed into a stored answer, applying the field's type and the
/// validators the form definition names.
///
/// Pure: `today` is passed in, and answers to earlier fields are read for cross-field rules
/// (an RNOKPP must agree with the date of birth and sex given before it).
public struct AnswerParser: Sendable {
    public let form: FormDefinition
    public let catalog: UnitCatalog
    /// Which phone numbers are mobile (libphonenumber's metadata).
    public let numbers: MobileNumberPlan
    public let strings: InterfaceStrings
    public let today: CalendarDate

    public init(
        form: FormDefinition, catalog: UnitCatalog, numbers: MobileNumberPlan, strings: InterfaceStrings,
        today: CalendarDate
    ) {
        self.form = form
        self.catalog = catalog
        self.numbers = numbers
        self.strings = strings
        self.today = today
    }

    /// The options offered for a choice field given the answers so far, in display order.
    public func options(for field: FieldDefinition, answers: [String: AnswerValue]) -> [Choice] {
        switch field.choicesFrom {
        case .units:
            // A unit with no position left for this applicant (full, or the age rules them out) is not offered.
            let age = applicantAge(answers)
            let units = catalog.units.filter { $0.country == form.country && !$0.positions(offeredToAge: age).isEmpty }
                .map { Choice(value: $0.id, label: $0.name) }
            let none = LocalizedText(
                Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, strings.format(.choiceNoPreference)) })
            )
            return units + [Choice(value: UnitCatalog.noPreference, label: none)]
        case .unitPositions:
            guard let source = field.sourceField, let unitID = answers[source]?.single,
                let unit = catalog.unit(unitID)
            else { return [] }
            return unit.positions(offeredToAge: applicantAge(answers)).map { Choice(value: $0.id, label: $0.name) }
        case nil:
            let choices = field.choices ?? []
            guard let age = applicantAge(answers) else { return choices }
            return choices.filter { allows($0, age: age) }
        }
    }

    /// The yes/no options, in the applicant's language.
    public func yesNoOptions() -> [Choice] {
        [
            Choice(value: "yes", label: LocalizedText([strings.language: word(.wordsYes, fallback: "yes")])),
            Choice(value: "no", label: LocalizedText([strings.language: word(.wordsNo, fallback: "no")])),
        ]
    }

    /// An answer as a person reads it: choice labels in this parser's language, not stored values.
    public func display(_ value: AnswerValue, for field: FieldDefinition, answers: [String: AnswerValue]) -> String {
        let options: [Choice]
        switch field.type {
        case .yesNo: options = yesNoOptions()
        case .choice, .multiChoice:
            // Every option, not only those the age allows now, so a stale answer still reads well.
            options = (field.choices ?? []) + self.options(for: field, answers: answers)
        default: return value.values.joined(separator: ", ")
        }
        return value.values.map { stored in
            options.first { $0.value == stored }?.label.resolve(strings.language) ?? stored
        }.joined(separator: ", ")
    }

    /// Parses `input` for `field`; nil means "no answer" (an optional field left empty).
    public func parse(
        _ input: String, for field: FieldDefinition, answers: [String: AnswerValue]
    )
        -> Result<AnswerValue?, ValidationFailure>
    {
        let text = input.trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            return field.required ? .failure(ValidationFailure(.required)) : .success(nil)
        }
        do throws(ValidationFailure) {
            var value = try typed(text, field: field, answers: answers)
            if case .multiple(let picked) = value, picked.isEmpty {
                // Only commas and spaces: no answer, as if the line were empty.
                return field.required ? .failure(ValidationFailure(.required)) : .success(nil)
            }
            if case .single(var single) = value {
                for spec in field.validators {
                    single = try apply(spec, to: single, field: field, answers: answers)
                }
                value = .single(single)
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// Checks an answer stored earlier against the current answers (after an edit elsewhere).
    public func recheck(
        _ value: AnswerValue, for field: FieldDefinition, answers: [String: AnswerValue]
    )
        -> ValidationFailure?
    {
        let input: String
        switch value {
        case .single(let single): input = single
        case .multiple(let values): input = values.joined(separator: ",")
        }
        if case .failure(let failure) = parse(input, for: field, answers: answers) { return failure }
        return nil
    }

    // MARK: - Types

    private func typed(
        _ text: String, field: FieldDefinition, answers: [String: AnswerValue]
    )
        throws(ValidationFailure) -> AnswerValue
    {
        if let max = field.maxLength, text.count > max {
            throw ValidationFailure(.textTooLong, ["max": "\(max)"])
        }
        switch field.type {
        case .text, .identifier:
            return .single(text)
        case .date:
            return .single(try CalendarDate.parse(text).description)
        case .yesNo:
            return .single(try pick(text, from: yesNoOptions(), failure: .yesNoInvalid, extraWords: true).value)
        case .choice:
            let options = options(for: field, answers: answers)
            if let choice = try? pick(text, from: options, failure: .choiceUnknown, extraWords: false) {
                return .single(choice.value)
            }
            throw ineligibleChoiceFailure(text, field: field, answers: answers) ?? ValidationFailure(.choiceUnknown)
        case .multiChoice:
            let options = options(for: field, answers: answers)
            var picked: [String] = []
            for part in text.split(separator: ",") {
                let item = part.trimmingCharacters(in: .whitespaces)
                guard !item.isEmpty else { continue }
                let value = try pick(item, from: options, failure: .multiChoiceUnknown, extraWords: false).value
                if !picked.contains(value) { picked.append(value) }
            }
            // Keep the definition's order, so the same choices always store the same way.
            return .multiple(options.map(\.value).filter(picked.contains))
        }
    }

    /// Finds a choice by its number, its label in any language, or its stored value.
    private func pick(
        _ text: String, from options: [Choice], failure: ValidationFailure.Code, extraWords: Bool
    )
        throws(ValidationFailure) -> Choice
    {
        let key = text.lowercased()
        if let number = Int(key), options.indices.contains(number - 1) {
            return options[number - 1]
        }
        if extraWords {
            if (strings.words(.wordsYes) + ["yes", "y"]).contains(key) { return options[0] }
            if (strings.words(.wordsNo) + ["no", "n"]).contains(key) { return options[1] }
        }
        if let match = options.first(where: { choice in
            choice.value.lowercased() == key || choice.label.values.values.contains { $0.lowercased() == key }
        }) {
            return match
        }
        throw ValidationFailure(failure)
    }

    /// Says why a typed choice is missing when it exists but the applicant's age excludes it.
    private func ineligibleChoiceFailure(
        _ text: String, field: FieldDefinition, answers: [String: AnswerValue]
    )
        -> ValidationFailure?
    {
        let key = text.lowercased()
        guard field.choicesFrom == nil,
            let hidden = field.choices?.first(where: { choice in
                choice.value.lowercased() == key || choice.label.values.values.contains { $0.lowercased() == key }
            }),
            let range = hidden.age
        else { return nil }
        return ValidationFailure(
            .choiceNotAllowedForAge,
            ["min": range.min.map(String.init) ?? "", "max": range.max.map(String.init) ?? ""])
    }

    // MARK: - Validators

    /// Checks `text` with one validator and returns it normalised (E.164 phone, upper-case document...).
    private func apply(
        _ spec: ValidatorSpec, to text: String, field: FieldDefinition, answers: [String: AnswerValue]
    ) throws(ValidationFailure) -> String {
        switch spec {
        case .personName:
            return try PersonName.normalize(text, maxLength: field.maxLength ?? 128)
        case .phone(let countries, let defaultCountry):
            return try PhoneNumber.normalize(
                text, plan: numbers, allowedCountries: countries, defaultCountry: defaultCountry)
        case .email:
            return try EmailAddress.normalize(text)
        case .ukrainianDocument(let typeField):
            let kind = answers[typeField]?.single.flatMap(UkrainianDocumentKind.init(rawValue:)) ?? .idCard
            return try UkrainianDocumentNumber.normalize(text, kind: kind)
        case .age(let range):
            try CalendarDate.parse(text).checkAge(on: today, min: range.min, max: range.max)
            return text
        case .rnokpp(let birthDateField, let sexField):
            let number = try RNOKPP.parse(text)
            try agree(number.birthDate, number.sex, birthDateField, sexField, answers, prefix: .rnokpp)
            return number.digits
        case .lithuanianPersonalCode(let birthDateField, let sexField):
            let code = try LithuanianPersonalCode.parse(text)
            try agree(code.birthDate, code.sex, birthDateField, sexField, answers, prefix: .ltCode)
            return code.digits
        case .mustBe(let expected):
            if text != expected { throw ValidationFailure(.mustBe) }
            return text
        }
    }

    private func agree(
        _ birthDate: CalendarDate, _ sex: Sex, _ birthDateField: String?, _ sexField: String?,
        _ answers: [String: AnswerValue], prefix: NationalNumber
    ) throws(ValidationFailure) {
        if let field = birthDateField, let given = answers[field]?.single, given != birthDate.description {
            throw ValidationFailure(prefix == .rnokpp ? .rnokppBirthDateMismatch : .ltCodeBirthDateMismatch)
        }
        if let field = sexField, let given = answers[field]?.single, given != sex.rawValue {
            throw ValidationFailure(prefix == .rnokpp ? .rnokppSexMismatch : .ltCodeSexMismatch)
        }
    }

    // MARK: - Helpers

    private func applicantAge(_ answers: [String: AnswerValue]) -> Int? {
        guard let field = form.birthDateField, let text = answers[field]?.single,
            let date = try? CalendarDate.parse(text)
        else { return nil }
        return date.age(on: today)
    }

    private func allows(_ choice: Choice, age: Int) -> Bool {
        guard let range = choice.age else { return true }
        return age >= (range.min ?? Int.min) && age <= (range.max ?? Int.max)
    }

    private func word(_ key: InterfaceStrings.Key, fallback: String) -> String {
        let first = strings.words(key).first ?? fallback
        return first.prefix(1).uppercased() + first.dropFirst()
    }
}

/// Which national number a date-of-birth or sex disagreement is reported for.
private enum NationalNumber {
    case rnokpp, ltCode
}
