import Foundation

/// People's names in any script, normalised so the same name is always stored the same way.
public enum PersonName {
    /// Apostrophes used in names: ASCII ('), right single quotation mark (’) and modifier letter apostrophe (ʼ).
    private static let apostrophes: Set<Unicode.Scalar> = ["\u{27}", "\u{2019}", "\u{2BC}"]
    private static let separators: Set<Unicode.Scalar> = apostrophes.union([" ", "-"])

    /// Checks and tidies a name: trims, turns inner runs of spaces into one space, composes accents (NFC).
    ///
    /// Allows letters of any script with their combining marks, spaces, hyphens and apostrophes, starting
    /// with a letter. Throws "required" when empty, "name.format" for anything else (digits, symbols), and
    /// "text.too_long" ["max": …] when longer than `maxLength` characters.
    public static func normalize(_ text: String, maxLength: Int) throws(ValidationFailure) -> String {
        let name = text.precomposedStringWithCanonicalMapping
            .split { $0.unicodeScalars.allSatisfy(\.properties.isWhitespace) }
            .joined(separator: " ")
        guard let first = name.first else { throw ValidationFailure(.required) }
        guard isLetter(first), name.allSatisfy({ isLetter($0) || isSeparator($0) }) else {
            throw ValidationFailure(.nameFormat)
        }
        guard name.count <= maxLength else { throw ValidationFailure(.textTooLong, ["max": "\(maxLength)"]) }
        return name
    }

    /// A letter, possibly with combining marks; the modifier-letter apostrophe (ʼ) counts as punctuation here.
    private static func isLetter(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        guard let base = scalars.first, !apostrophes.contains(base), isLetterScalar(base) else { return false }
        return scalars.dropFirst().allSatisfy { isLetterScalar($0) || isMark($0) }
    }

    private static func isSeparator(_ character: Character) -> Bool {
        character.unicodeScalars.count == 1 && character.unicodeScalars.first.map(separators.contains) == true
    }

    private static func isLetterScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}
