import Foundation
import KioskSupport
import Testing

@Suite("RFC 3339, hex and center codes")
struct TextFormatTests {
    @Test("RFC3339 writes UTC whole seconds and reads back only that shape")
    func rfc3339() {
        let instant = Date(timeIntervalSince1970: 1_764_279_900)
        #expect(RFC3339.format(instant) == "2025-11-27T21:45:00Z")
        #expect(RFC3339.format(instant.addingTimeInterval(0.999)) == "2025-11-27T21:45:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1e300)) == "0001-01-01T00:00:00Z")
        #expect(RFC3339.parse("2025-11-27T21:45:00Z") == instant)
        #expect(RFC3339.parse("2025-11-27T21:45:00+00:00") == nil)
        #expect(RFC3339.parse("2025-13-01T00:00:00Z") == nil)
        #expect(RFC3339.parse("2025-11-27t21:45:00z") == nil)
    }

    @Test("RFC3339 gives the same text as a Gregorian UTC calendar, as receipts were written before")
    func sameAsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for seconds in stride(from: 0.0, to: 4_102_444_800, by: 7_776_011.5) {
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(RFC3339.format(date) == expected)
        }
    }

    @Test("Hex.isSHA256 accepts exactly 64 lower-case hex digits")
    func sha256Text() {
        let digest = String(repeating: "0123456789abcdef", count: 4)
        #expect(Hex.isSHA256(digest))
        #expect(!Hex.isSHA256(digest.uppercased()))
        #expect(!Hex.isSHA256(String(digest.dropLast())))
        #expect(!Hex.isSHA256(digest + "0"))
        #expect(!Hex.isSHA256(String(digest.dropLast()) + "g"))
        #expect(Hex.isLowercase("") && !Hex.isLowercase(" 0"))
        #expect(Hex.encode([0xde, 0xad]) == "dead" && Hex.decode("DEAD") == [0xde, 0xad])
    }

    @Test("CenterCode: 2 to 12 upper-case ASCII letters or digits")
    func centerCode() {
        for valid in ["DEMO01", "AB", "123456789012", "KYIV"] { #expect(CenterCode.isValid(valid), "\(valid)") }
        for invalid in ["", "A", "1234567890123", "demo01", "DEMO-01", "DEMO 1", "ДЕМО01", "DEMO01\n", "ＡＢ"] {
            #expect(!CenterCode.isValid(invalid), "\(invalid)")
        }
    }
}
