import Foundation

/// E-mail addresses, checked for a plausible shape so recruiters' messages are not sent into the void.
///
/// Internationalized domains are accepted in either form ("taras@пошта.укр" or its A-label form
/// "taras@xn--80a1acn3a.xn--j1amh") and stored with the domain in its Unicode form, through
/// libidn2. The local part stays ASCII: not every mail system in the chain handles SMTPUTF8.
/// The rules follow the Python `email-validator` package (without its DNS checks), which the
/// conformance test compares against.
public enum EmailAddress {
    /// RFC 5322 "atext" plus the dot: what an unquoted local part may hold.
    private static let localCharacters = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.".utf8)
    private static let labelCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-".utf8)
    /// Top-level names reserved for special use (RFC 6761 and later): no mail is delivered there.
    private static let specialUse: Set = ["arpa", "invalid", "local", "localhost", "onion", "test"]

    /// Checks an address and returns it with the domain in its lower-case Unicode form, so the same
    /// mailbox is always stored the same way.
    ///
    /// Trims spaces; requires one "@", a local part of ASCII letters, digits and
    /// ! # $ % & ' * + - / = ? ^ _ ` { | } ~ . (1 to 64 bytes, no leading, trailing or doubled
    /// dot), and a domain that libidn2 accepts with at least two labels, whose A-label form has
    /// labels of at most 63 and at most 253 characters in all, a top-level label that is not all
    /// digits and not a special-use name; the whole address at most 254 bytes as typed, as stored and in its A-label form. Throws
    /// "email.format" otherwise.
    public static func normalize(_ text: String) throws(ValidationFailure) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2, isLocalPart(parts[0]),
            let (ascii, unicode) = domain(parts[1])
        else { throw ValidationFailure(.emailFormat) }
        // As typed, as stored and as sent: each form must fit the 254 bytes SMTP allows.
        let address = "\(parts[0])@\(unicode)"
        guard address.utf8.count <= 254, "\(parts[0])@\(ascii)".utf8.count <= 254 else {
            throw ValidationFailure(.emailFormat)
        }
        return address
    }

    private static func isLocalPart(_ local: Substring) -> Bool {
        let bytes = local.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy(localCharacters.contains)
            && !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..")
    }

    /// The full stops UTS #46 reads as a dot: ideographic, full-width and half-width.
    private static let dots: [Character] = ["\u{3002}", "\u{FF0E}", "\u{FF61}"]

    /// Whether `scalar` may be typed in a domain: ASCII letters, digits, "-" and "."; any other
    /// letter, mark or digit. libidn2's mapping would quietly drop some characters (a
    /// zero-width space, a soft hyphen, "_", "!", "'" and spaces under the STD3 rules), which
    /// would store another address than the one typed: those are refused here first.
    private static func isDomainCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "."
        }
        if scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.isWhitespace { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
            .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The domain's A-label and Unicode forms when it is a valid mail domain, else nil.
    private static func domain(_ typed: Substring) -> (ascii: String, unicode: String)? {
        let domain = String(typed.map { dots.contains($0) ? "." : $0 })
        // libidn2 would quietly accept an empty label or a trailing root dot; a mail domain has neither.
        guard !domain.isEmpty, domain.count <= 255, domain.unicodeScalars.allSatisfy(isDomainCharacter),
            !domain.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty),
            let ascii = InternationalDomain.ascii(domain), ascii.utf8.count <= 253
        else { return nil }
        let labels = ascii.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let topLevel = labels.last, !specialUse.contains(String(topLevel)),
            !topLevel.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count) && label.utf8.allSatisfy(labelCharacters.contains)
                    && !label.hasPrefix("-") && !label.hasSuffix("-")
            })
        else { return nil }
        return InternationalDomain.unicode(ascii).map { (ascii, $0) }
    }
}
