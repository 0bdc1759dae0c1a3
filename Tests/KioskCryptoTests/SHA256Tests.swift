import KioskCrypto
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    /// NIST FIPS 180-2 examples, plus the empty string.
    static let vectors: [(message: String, digest: String)] = [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ]

    @Test("one-shot hash matches the NIST vectors", arguments: vectors)
    func oneShot(message: String, digest: String) {
        // Given a NIST message, When it is hashed in one go
        let result = SHA256.hash(Array(message.utf8))
        // Then the digest and its printed forms match
        #expect(result.hex == digest)
        #expect(result.description == digest)
        #expect(result.bytes.count == 32)
    }

    @Test("streaming matches the NIST vectors", arguments: vectors)
    func streamingVectors(message: String, digest: String) {
        // Given a hasher fed the message one byte at a time
        let hasher = SHA256Hasher()
        for byte in message.utf8 { hasher.update([byte]) }
        // When finalized, Then the digest matches
        #expect(hasher.finalize().hex == digest)
    }

    @Test("streaming in odd-sized chunks equals one-shot", arguments: [1, 3, 7, 13, 63, 64, 65, 1000])
    func streamingChunks(chunkSize: Int) {
        // Given 10 000 bytes of patterned data
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        // When fed in chunks of `chunkSize` (array slices, so the in-place path is used)
        let hasher = SHA256Hasher()
        var start = 0
        while start < data.count {
            let end = min(start + chunkSize, data.count)
            hasher.update(data[start..<end])
            start = end
        }
        // Then the result equals the one-shot hash
        #expect(hasher.finalize() == SHA256.hash(data))
    }

    @Test("non-contiguous collections hash like arrays (one million 'a')")
    func nonContiguousCollection() {
        // Given a collection without contiguous storage: one million "a" (NIST long message)
        let million = repeatElement(UInt8(ascii: "a"), count: 1_000_000)
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        // When hashed one-shot and streamed
        let hasher = SHA256Hasher()
        hasher.update(million)
        // Then both give the NIST digest
        #expect(SHA256.hash(million).hex == expected)
        #expect(hasher.finalize().hex == expected)
    }

    @Test("a hasher with no input gives the empty-string digest")
    func emptyHasher() {
        #expect(SHA256Hasher().finalize() == SHA256.hash([UInt8]()))
    }

    @Test("a digest round-trips through hex, either case")
    func digestFromHex() throws {
        // Given a digest
        let digest = SHA256.hash(Array("abc".utf8))
        // When parsed back from its hex, lower and upper case
        let lower = try #require(SHA256Digest(hex: digest.hex))
        let upper = try #require(SHA256Digest(hex: digest.hex.uppercased()))
        // Then it is the same digest
        #expect(lower == digest)
        #expect(upper == digest)
    }

    @Test(
        "hex that is not 32 bytes is not a digest",
        arguments: [
            "", "ab", String(repeating: "a", count: 63),
            String(repeating: "a", count: 66), String(repeating: "g", count: 64),
        ])
    func invalidDigestHex(hex: String) {
        #expect(SHA256Digest(hex: hex) == nil)
    }
}
