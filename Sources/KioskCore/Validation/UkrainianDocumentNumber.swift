import Foundation

/// The kind of Ukrainian identity document an applicant shows, because each kind has its own number shape.
public enum UkrainianDocumentKind: String, Codable, Sendable {
    /// The plastic ID card (since 2016): a 9-digit number.
    case idCard = "id-card"
    /// The old booklet passport: a 2-letter Cyrillic series and 6 digits.
    case passport
}

/// Ukrainian identity document numbers, normalised so the same document is always stored the same way.
public enum UkrainianDocumentNumber {
    /// Upper-case letters of the Ukrainian alphabet, the only ones used in passport series.
    private static let upperLetters = Array("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ".unicodeScalars)
    private static let lowerLetters = Array("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя".unicodeScalars)
    /// Each accepted letter, either case, mapped to its upper-case form.
    private static let upperCase: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (lower, upper) in zip(lowerLetters, upperLetters) {
            map[lower] = upper
            map[upper] = upper
        }
        return map
    }()

    /// Checks and normalises a document number, so look-alike or mistyped numbers are caught at the kiosk.
    ///
    /// ID card: exactly 9 ASCII digits, spaces removed, else "document.id_card_format". Passport (the old
    /// booklet): 2 Cyrillic letters and 6 digits, any case and spacing, returned upper-case without spaces,
    /// else "document.passport_format"; Latin look-alike letters are refused.
    public static func normalize(_ text: String, kind: UkrainianDocumentKind) throws(ValidationFailure) -> String {
        let compact = String(
            String.UnicodeScalarView(
                text.precomposedStringWithCanonicalMapping.unicodeScalars.filter { !$0.properties.isWhitespace }))
        switch kind {
        case .idCard:
            guard let digits = compact.asciiDigitValues, digits.count == 9 else {
                throw ValidationFailure(.documentIdCardFormat)
            }
            return compact
        case .passport:
            let scalars = Array(compact.unicodeScalars)
            guard scalars.count == 8, let first = upperCase[scalars[0]], let second = upperCase[scalars[1]] else {
                throw ValidationFailure(.documentPassportFormat)
            }
            let number = String(String.UnicodeScalarView(scalars[2...]))
            guard number.asciiDigitValues != nil else { throw ValidationFailure(.documentPassportFormat) }
            return String(first) + String(second) + number
        }
    }
}
