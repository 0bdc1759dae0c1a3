import KioskCrypto
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test("returns the requested number of bytes", arguments: [0, 1, 16, 32, 1000])
    func count(count: Int) throws {
        #expect(try SecureRandom.bytes(count: count).count == count)
    }

    @Test("two draws differ")
    func distinct() throws {
        // Given two 32-byte draws, Then they differ (a collision has probability 2^-256)
        #expect(try SecureRandom.bytes(count: 32) != SecureRandom.bytes(count: 32))
    }

    @Test("a negative count is refused")
    func negative() {
        #expect(throws: CryptoError.self) { try SecureRandom.bytes(count: -1) }
    }
}
