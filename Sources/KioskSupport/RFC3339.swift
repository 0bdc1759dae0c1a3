import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one timestamp shape the signed formats use, `2026-11-27T21:45:00Z`: UTC, whole seconds, "Z".
///
/// Batch manifests (`created_at`, records' `submitted_at`) and receipts (`received_at`) are
/// signed and compared byte for byte, so there is one formatter for all of them. Done with `gmtime_r`/`timegm` instead of a date formatter so that the text never depends on
/// the locale, the time zone or a Foundation version, and parsing accepts nothing else.
package enum RFC3339 {
    /// The instants with a four-digit year: 0001-01-01T00:00:00Z through 9999-12-31T23:59:59Z.
    package static let representable: ClosedRange<Double> = -62_135_596_800...253_402_300_799

    /// `date` in UTC, rounded down to the second; clamped to years 0001–9999 (never a trap).
    package static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let clamped =
            interval.isNaN ? 0 : min(max(interval.rounded(.down), representable.lowerBound), representable.upperBound)
        var seconds = time_t(clamped)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-"
            + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2) + "Z"
    }

    /// The date written by `format`, or nil for any other text (offsets, fractions, impossible dates).
    package static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 else { return nil }
        // Positions of the separators in "YYYY-MM-DDTHH:MM:SSZ"; every other byte is a digit.
        let separators: [Int: UInt8] = [
            4: UInt8(ascii: "-"), 7: UInt8(ascii: "-"), 10: UInt8(ascii: "T"), 13: UInt8(ascii: ":"),
            16: UInt8(ascii: ":"), 19: UInt8(ascii: "Z"),
        ]
        for (index, byte) in bytes.enumerated() {
            if let separator = separators[index] {
                guard byte == separator else { return nil }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            }
        }
        func number(_ range: Range<Int>) -> Int32 {
            bytes[range].reduce(0) { $0 * 10 + Int32($1 - UInt8(ascii: "0")) }
        }
        var parts = tm()
        parts.tm_year = number(0..<4) - 1900
        parts.tm_mon = number(5..<7) - 1
        parts.tm_mday = number(8..<10)
        parts.tm_hour = number(11..<13)
        parts.tm_min = number(14..<16)
        parts.tm_sec = number(17..<19)
        let seconds = timegm(&parts)
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        // timegm normalises impossible dates (February 30th); only an exact round trip is valid.
        return format(date) == text ? date : nil
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    package static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
