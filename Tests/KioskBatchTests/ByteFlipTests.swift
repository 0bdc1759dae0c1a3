import Foundation
import KioskCrypto
import Testing

@testable import KioskBatch

/// Property: no single changed byte can make a batch say something else and still verify.
@Suite("Random byte flips")
struct ByteFlipTests {
    @Test("300 random byte flips are each rejected, or harmless and verify to the same batch")
    func flips() throws {
        // Given a valid batch and its verified contents
        let workspace = try Workspace()
        let key = try Ed25519PrivateKey.generate()
        let batch = try SampleBatch(key: key, count: 6)
        let archive = try batch.archive()
        let path = workspace.path("flip.tar")
        try workspace.write("flip.tar", archive)
        let original = try BatchReader.read(path: path)
        try BatchVerifier.verify(original, key: key.publicKey, previous: nil)

        var random = SeededGenerator(seed: 0xF11B_5EED)
        var rejected = 0
        for round in 0..<300 {
            // When one byte at a random offset is XORed with a random non-zero value
            var bytes = archive
            let offset = Int.random(in: 0..<bytes.count, using: &random)
            let mask = UInt8.random(in: 1...255, using: &random)
            bytes[offset] ^= mask
            try workspace.write("flip.tar", bytes)

            // Then the reader or the verifier rejects it with a BatchError…
            let contents: BatchContents
            do {
                contents = try BatchReader.read(path: path)
                try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
            } catch {
                rejected += 1
                continue
            }
            // …or it verifies, and then it is the very same batch: the flip hit bytes that carry
            // no meaning (such as a header checksum's NUL/space terminator).
            #expect(contents.manifestBytes == original.manifestBytes, "round \(round), offset \(offset)")
            #expect(contents.recordsSHA256 == original.recordsSHA256, "round \(round), offset \(offset)")
            #expect(contents.signature == original.signature, "round \(round), offset \(offset)")
            #expect(contents.recordReferences == original.recordReferences, "round \(round), offset \(offset)")
        }
        // Nearly every byte of a batch is meaningful or checked
        #expect(rejected >= 290, "only \(rejected) of 300 flips were rejected")
    }

    @Test("a flip in a checksum field's terminator is harmless: the same batch verifies")
    func harmlessFlip() throws {
        // Given a valid batch whose manifest header checksum ends "NUL space", turned into "space space"
        let workspace = try Workspace()
        let key = try Ed25519PrivateKey.generate()
        let batch = try SampleBatch(key: key)
        var bytes = try batch.archive()
        #expect(Array(bytes[154..<156]) == [0, UInt8(ascii: " ")])
        bytes[154] = UInt8(ascii: " ")
        try workspace.write("b.tar", bytes)
        // When read and verified, Then it passes with exactly the original contents
        let contents = try BatchReader.read(path: workspace.path("b.tar"))
        try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
        #expect(contents.manifestBytes == batch.manifestBytes)
        #expect(contents.recordsSHA256 == batch.manifest.recordsSHA256)
    }
}
