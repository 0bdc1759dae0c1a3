import Foundation

/// E-mail addresses, checked for a plausible shape so recruiters' messages are not sent into the void.
public enum EmailAddress {
    private static let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-".utf8)
    private static let labelCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)
    private static let letters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    /// Checks an address and lower-cases its domain, so the same mailbox is always stored the same way.
    ///
    /// Trims spaces; requires one "@", a local part of ASCII letters, digits and . _ % + - (at most 64,
    /// no leading, trailing or doubled dot), a domain of at least two labels of letters, digits and inner
    /// hyphens (at most 63 each) ending in a top-level domain of at least 2 letters, and at most 254
    /// characters in all. Throws "email.format" otherwise.
    public static func normalize(_ text: String) throws(ValidationFailure) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2, isLocalPart(parts[0]), isDomain(parts[1]) else {
            throw ValidationFailure(.emailFormat)
        }
        return "\(parts[0])@\(parts[1].lowercased())"
    }

    private static func isLocalPart(_ local: Substring) -> Bool {
        let bytes = local.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy(localCharacters.contains)
            && !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..")
    }

    private static func isDomain(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let topLevel = labels.last, topLevel.utf8.count >= 2,
            topLevel.utf8.allSatisfy(letters.contains)
        else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.utf8.allSatisfy(labelCharacters.contains)
                && !label.hasPrefix("-") && !label.hasSuffix("-")
        }
    }
}
