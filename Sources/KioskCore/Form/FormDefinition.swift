import Foundation

/// One application form, as an operator writes it in `Kiosk/forms/*.json`.
///
/// A second country is a second definition, not a code change: every question, choice,
/// age limit and translation lives here.
public struct FormDefinition: Sendable, Codable, Hashable {
    /// Stable identifier, also the file name without `.json` (e.g. `ua-contract`).
    public var id: String
    /// Raised by the operator whenever the questions change; stored with each application.
    public var version: Int
    /// ISO 3166 alpha-2 code of the country whose rules the form follows (`UA`, `LT`).
    public var country: String
    public var title: LocalizedText
    /// The languages the form is fully translated into, in the order offered.
    public var languages: [Language]
    /// The field that holds the applicant's date of birth, for age rules on choices.
    public var birthDateField: String?
    /// The consent text the applicant agrees to, and its version (recorded with the application).
    public var consent: Consent
    /// What the applicant must bring to the desk, shown with the reference number.
    public var bringToDesk: LocalizedText
    public var fields: [FieldDefinition]

    enum CodingKeys: String, CodingKey {
        case id, version, country, title, languages, consent, fields
        case birthDateField = "birth_date_field"
        case bringToDesk = "bring_to_desk"
    }

    public func field(_ id: String) -> FieldDefinition? {
        fields.first { $0.id == id }
    }
}

/// The personal-data consent text, versioned so a stored application says which text it accepted.
///
/// The text is shown in full above the question that records the agreement (`field`, a
/// yes/no question that must be answered yes), and again when the applicant asks for help.
public struct Consent: Sendable, Codable, Hashable {
    public var version: String
    public var text: LocalizedText
    /// The id of the yes/no question the applicant agrees with.
    public var field: String
}

/// One question of a form.
public struct FieldDefinition: Sendable, Codable, Hashable {
    public var id: String
    public var type: FieldType
    public var required: Bool
    public var label: LocalizedText
    public var help: LocalizedText?
    /// Checks applied in order after the type's own parsing.
    public var validators: [ValidatorSpec]
    /// Skip logic: the field is asked only when this condition on an earlier answer holds.
    public var showIf: FieldCondition?
    /// Fixed choices for `choice` and `multi-choice` fields.
    public var choices: [Choice]?
    /// Choices taken from the unit catalog instead of the definition.
    public var choicesFrom: ChoiceSource?
    /// For `unit-positions`: the field holding the chosen unit.
    public var sourceField: String?
    /// Longest accepted answer, in characters (text and identifier fields).
    public var maxLength: Int?

    enum CodingKeys: String, CodingKey {
        case id, type, required, label, help, validators, choices
        case showIf = "show_if"
        case choicesFrom = "choices_from"
        case sourceField = "source_field"
        case maxLength = "max_length"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decode(FieldType.self, forKey: .type)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
        label = try c.decode(LocalizedText.self, forKey: .label)
        help = try c.decodeIfPresent(LocalizedText.self, forKey: .help)
        validators = try c.decodeIfPresent([ValidatorSpec].self, forKey: .validators) ?? []
        showIf = try c.decodeIfPresent(FieldCondition.self, forKey: .showIf)
        choices = try c.decodeIfPresent([Choice].self, forKey: .choices)
        choicesFrom = try c.decodeIfPresent(ChoiceSource.self, forKey: .choicesFrom)
        sourceField = try c.decodeIfPresent(String.self, forKey: .sourceField)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
    }
}

/// The kinds of answer a field takes.
public enum FieldType: String, Sendable, Codable, Hashable {
    case text
    case date
    case choice
    case multiChoice = "multi-choice"
    case yesNo = "yes-no"
    case identifier
}

/// One option of a choice field.
public struct Choice: Sendable, Codable, Hashable {
    /// Stored value; stable across translations.
    public var value: String
    public var label: LocalizedText
    /// Offered only to applicants whose age (from the form's birth-date field) is in range.
    public var age: AgeRange?

    public init(value: String, label: LocalizedText, age: AgeRange? = nil) {
        self.value = value
        self.label = label
        self.age = age
    }
}

/// An inclusive age range in completed years; either end may be open.
public struct AgeRange: Sendable, Codable, Hashable {
    public var min: Int?
    public var max: Int?

    public init(min: Int?, max: Int?) {
        self.min = min
        self.max = max
    }
}

/// Where a choice field's options come from when they are not in the definition.
public enum ChoiceSource: String, Sendable, Codable, Hashable {
    /// The units of the catalog, plus "no preference".
    case units
    /// The open positions of the unit chosen in the field named by `source_field`.
    case unitPositions = "unit-positions"
}

/// A condition on an earlier answer. For a multi-choice answer, `equals` means "includes".
public struct FieldCondition: Sendable, Codable, Hashable {
    public var field: String
    public var equals: String?
    public var notEquals: String?
    public var isIn: [String]?

    enum CodingKeys: String, CodingKey {
        case field, equals
        case notEquals = "not_equals"
        case isIn = "in"
    }

    public init(field: String, equals: String? = nil, notEquals: String? = nil, isIn: [String]? = nil) {
        self.field = field
        self.equals = equals
        self.notEquals = notEquals
        self.isIn = isIn
    }
}
