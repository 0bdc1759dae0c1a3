/// A validation failure: a stable code looked up in the interface strings ("error.<code>") plus
/// arguments for {placeholders}. Never holds the rejected input, because that is personal data.
public struct ValidationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every failure the validators and the form flow produce; the raw value is the key's
    /// suffix in `Kiosk/strings/<lang>.json` (`error.<raw value>`), so each has a translation.
    public enum Code: String, Sendable, CaseIterable {
        case required = "required"
        case textTooLong = "text.too_long"
        case dateFormat = "date.format"
        case dateInvalid = "date.invalid"
        case dateFuture = "date.future"
        case ageTooYoung = "age.too_young"
        case ageTooOld = "age.too_old"
        case rnokppFormat = "rnokpp.format"
        case rnokppChecksum = "rnokpp.checksum"
        case rnokppDate = "rnokpp.date"
        case rnokppBirthDateMismatch = "rnokpp.birth_date_mismatch"
        case rnokppSexMismatch = "rnokpp.sex_mismatch"
        case ltCodeFormat = "lt_code.format"
        case ltCodeChecksum = "lt_code.checksum"
        case ltCodeDate = "lt_code.date"
        case ltCodeBirthDateMismatch = "lt_code.birth_date_mismatch"
        case ltCodeSexMismatch = "lt_code.sex_mismatch"
        case documentIdCardFormat = "document.id_card_format"
        case documentPassportFormat = "document.passport_format"
        case phoneFormat = "phone.format"
        case phoneNotMobile = "phone.not_mobile"
        case phoneCountry = "phone.country"
        case emailFormat = "email.format"
        case nameFormat = "name.format"
        case choiceUnknown = "choice.unknown"
        case choiceNotAllowedForAge = "choice.not_allowed_for_age"
        case multiChoiceUnknown = "multi_choice.unknown"
        case yesNoInvalid = "yes_no.invalid"
        case mustBe = "must_be"
    }

    /// The stable code, so the interface can show the message in the applicant's language.
    public let code: Code
    /// Values for the message's {placeholders} (limits such as "min"), never the applicant's input.
    public let arguments: [String: String]

    /// Creates a failure from a code and its placeholder values, so callers name errors, not texts.
    public init(_ code: Code, _ arguments: [String: String] = [:]) {
        self.code = code
        self.arguments = arguments
    }

    /// The code and its sorted arguments, e.g. "age.too_young(min=18)", safe to log because it has no input.
    public var description: String {
        guard !arguments.isEmpty else { return code.rawValue }
        let pairs = arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "\(code.rawValue)(\(pairs.joined(separator: ", ")))"
    }
}
