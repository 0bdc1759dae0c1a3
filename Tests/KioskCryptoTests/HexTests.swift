import KioskCrypto
import KioskSupport
import Testing

@Suite("Hex")
struct HexTests {
    @Test("encodes lower-case, two characters per byte")
    func encode() {
        #expect(Hex.encode([0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]) == "00017f80abff")
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([UInt8](repeating: 0xcd, count: 3)[1...]) == "cdcd")
    }

    @Test("decodes either case")
    func decode() {
        #expect(Hex.decode("00017f80abff") == [0x00, 0x01, 0x7f, 0x80, 0xab, 0xff])
        #expect(Hex.decode("ABcdEF") == [0xab, 0xcd, 0xef])
        #expect(Hex.decode("") == [])
    }

    @Test(
        "refuses anything that is not exactly hex", arguments: ["0", "abc", "zz", "0x00", "00 11", " 00", "é0", "0g"])
    func decodeInvalid(text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test("round-trips every byte value")
    func roundTrip() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
    }
}
