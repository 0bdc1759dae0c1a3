/// Makes text safe to show on a terminal, because stored or typed text may hold escape
/// sequences, bidi overrides or invisible characters that would alter or spoof the screen.
public enum TerminalText {
    /// Returns `text` with every non-printable scalar replaced by an inert `\u{HEX}` form.
    ///
    /// Replaced: C0 controls (tab and newline included), DEL, C1 controls, bidi controls, and
    /// every other scalar in the control, format, unassigned, private-use or surrogate
    /// categories, plus the line and paragraph separators. Kept: letters of any script,
    /// digits, punctuation, symbols and emoji, combining marks, space separators, and the
    /// zero-width (non-)joiners U+200C/U+200D, which emoji sequences and several scripts need.
    ///
    /// The output is for display only: a literal backslash is left as it is, so typed text
    /// such as `\u{1B}` looks the same as an escaped ESC and the mapping cannot be reversed.
    /// Never store or compare escaped text.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if isDisplaySafe(scalar) {
                escaped.unicodeScalars.append(scalar)
            } else {
                escaped += "\\u{"
                escaped += String(scalar.value, radix: 16, uppercase: true)
                escaped += "}"
            }
        }
        return escaped
    }

    /// Whether `scalar` can be written to a terminal as it is.
    static func isDisplaySafe(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isBidiControl {
            return false
        }
        switch scalar.properties.generalCategory {
        case .control, .unassigned, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator:
            return false
        case .format:
            return scalar.value == 0x200C || scalar.value == 0x200D
        default:
            return true
        }
    }

    /// Whether a typed line holding `scalar` must be refused: C0 controls, DEL, C1 controls
    /// and the bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
    static func isForbiddenInInput(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20
            || (0x7F...0x9F).contains(scalar.value)
            || scalar.properties.isBidiControl
    }
}
