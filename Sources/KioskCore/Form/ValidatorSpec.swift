/// A check named in a form definition, decoded from `{"kind": "...", ...}`.
///
/// The checks themselves are pure functions in `Validation/`; this says which apply to a
/// field and with which settings, so an operator can change them without recompiling.
public enum ValidatorSpec: Sendable, Hashable, Codable {
    /// A person's name: letters, spaces, hyphens and apostrophes.
    case personName
    /// A date of birth whose age today lies in the range.
    case age(AgeRange)
    /// A Ukrainian RNOKPP that agrees with the named date-of-birth and sex fields, if given.
    case rnokpp(birthDateField: String?, sexField: String?)
    /// A Lithuanian personal code that agrees with the named fields, if given.
    case lithuanianPersonalCode(birthDateField: String?, sexField: String?)
    /// A Ukrainian document number whose format follows the named document-type field.
    case ukrainianDocument(documentTypeField: String)
    /// A mobile phone number of one of the countries, normalised to E.164.
    case phone(countries: [String], defaultCountry: String)
    case email
    /// The answer must be exactly this value (consent must be "yes").
    case mustBe(String)

    enum CodingKeys: String, CodingKey {
        case kind, min, max, countries, value
        case birthDate = "birth_date"
        case sex
        case documentType = "document_type"
        case defaultCountry = "default_country"
    }

    /// The `kind` names accepted in a definition.
    public static let kinds = [
        "person-name", "age", "rnokpp", "lt-personal-code", "ua-document", "phone", "email", "must-be",
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "person-name":
            self = .personName
        case "age":
            self = .age(
                AgeRange(
                    min: try c.decodeIfPresent(Int.self, forKey: .min),
                    max: try c.decodeIfPresent(Int.self, forKey: .max)))
        case "rnokpp":
            self = .rnokpp(
                birthDateField: try c.decodeIfPresent(String.self, forKey: .birthDate),
                sexField: try c.decodeIfPresent(String.self, forKey: .sex))
        case "lt-personal-code":
            self = .lithuanianPersonalCode(
                birthDateField: try c.decodeIfPresent(String.self, forKey: .birthDate),
                sexField: try c.decodeIfPresent(String.self, forKey: .sex))
        case "ua-document":
            self = .ukrainianDocument(documentTypeField: try c.decode(String.self, forKey: .documentType))
        case "phone":
            self = .phone(
                countries: try c.decode([String].self, forKey: .countries),
                defaultCountry: try c.decode(String.self, forKey: .defaultCountry))
        case "email":
            self = .email
        case "must-be":
            self = .mustBe(try c.decode(String.self, forKey: .value))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription:
                    "unknown validator kind \"\(kind)\"; expected one of \(Self.kinds.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .personName:
            try c.encode("person-name", forKey: .kind)
        case .age(let range):
            try c.encode("age", forKey: .kind)
            try c.encodeIfPresent(range.min, forKey: .min)
            try c.encodeIfPresent(range.max, forKey: .max)
        case .rnokpp(let birthDate, let sex):
            try c.encode("rnokpp", forKey: .kind)
            try c.encodeIfPresent(birthDate, forKey: .birthDate)
            try c.encodeIfPresent(sex, forKey: .sex)
        case .lithuanianPersonalCode(let birthDate, let sex):
            try c.encode("lt-personal-code", forKey: .kind)
            try c.encodeIfPresent(birthDate, forKey: .birthDate)
            try c.encodeIfPresent(sex, forKey: .sex)
        case .ukrainianDocument(let field):
            try c.encode("ua-document", forKey: .kind)
            try c.encode(field, forKey: .documentType)
        case .phone(let countries, let defaultCountry):
            try c.encode("phone", forKey: .kind)
            try c.encode(countries, forKey: .countries)
            try c.encode(defaultCountry, forKey: .defaultCountry)
        case .email:
            try c.encode("email", forKey: .kind)
        case .mustBe(let value):
            try c.encode("must-be", forKey: .kind)
            try c.encode(value, forKey: .value)
        }
    }

    /// The fields this check reads besides its own.
    public var referencedFields: [String] {
        switch self {
        case .rnokpp(let b, let s), .lithuanianPersonalCode(let b, let s): [b, s].compactMap { $0 }
        case .ukrainianDocument(let field): [field]
        default: []
        }
    }
}
