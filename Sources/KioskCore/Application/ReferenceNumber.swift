import Foundation
import KioskSupport

/// The number an applicant takes to the desk, e.g. `DEMO01-2026-000042-K`.
///
/// Center code, year, the center's sequence within that year, and a check character
/// (Luhn mod 36 over the other characters) so staff catch a mistyped number at once.
public struct ReferenceNumber: Hashable, Sendable, CustomStringConvertible {
    public let center: String
    public let year: Int
    public let serial: Int

    /// Alphabet of the check character: digits, then A-Z.
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    public init(center: String, year: Int, serial: Int) {
        precondition(Self.isValidCenter(center), "center codes are checked when the configuration loads")
        precondition((1000...9999).contains(year) && (1...999_999).contains(serial))
        self.center = center
        self.year = year
        self.serial = serial
    }

    /// A center code is 2 to 12 upper-case letters or digits (`CenterCode`, the rule the batch
    /// format and headquarters check too).
    public static func isValidCenter(_ code: String) -> Bool {
        CenterCode.isValid(code)
    }

    /// Parses a typed reference (any case, surrounding spaces); nil when malformed or the check fails.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.allSatisfy(\.isASCII) else { return nil }
        let parts = trimmed.uppercased().split(
            separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, Self.isValidCenter(String(parts[0])),
            parts[1].count == 4, let year = Int(parts[1]), (1000...9999).contains(year),
            parts[2].count == 6, parts[2].allSatisfy({ $0.isASCII && $0.isNumber }), let serial = Int(parts[2]),
            serial >= 1,
            parts[3].count == 1
        else { return nil }
        self.init(center: String(parts[0]), year: year, serial: serial)
        guard String(checkCharacter) == parts[3] else { return nil }
    }

    var body: String {
        "\(center)-\(year)-\(String(repeating: "0", count: max(0, 6 - String(serial).count)))\(serial)"
    }

    /// Luhn mod N (N = 36) over the body without hyphens.
    public var checkCharacter: Character {
        let n = Self.alphabet.count
        var factor = 2
        var sum = 0
        for character in body.reversed() where character != "-" {
            guard let codePoint = Self.alphabet.firstIndex(of: character) else { continue }
            var addend = factor * codePoint
            factor = factor == 2 ? 1 : 2
            addend = addend / n + addend % n
            sum += addend
        }
        return Self.alphabet[(n - sum % n) % n]
    }

    public var description: String { "\(body)-\(checkCharacter)" }
}
