import Foundation
import KioskCrypto
import Testing

@testable import KioskBatch

@Suite("Chain of batches")
struct ChainTests {
    let workspace: Workspace
    let key: Ed25519PrivateKey
    let first: BatchContents

    init() throws {
        workspace = try Workspace()
        key = try Ed25519PrivateKey.generate()
        first = try Self.read(SampleBatch(key: key, sequence: 1, previous: nil), in: workspace)
    }

    /// Writes `batch` to a file and reads it back with the strict reader.
    static func read(_ batch: SampleBatch, in workspace: Workspace) throws -> BatchContents {
        let path = workspace.path("\(UUID().uuidString).tar")
        try batch.write(to: path)
        return try BatchReader.read(path: path)
    }

    func read(_ batch: SampleBatch) throws -> BatchContents {
        try Self.read(batch, in: workspace)
    }

    /// Verifies `contents` after `previous` and returns the error code, or nil if it verified.
    func outcome(_ contents: BatchContents, after previous: BatchContents?) -> BatchError? {
        do {
            try BatchVerifier.verify(contents, key: key.publicKey, previous: previous)
            return nil
        } catch {
            return error
        }
    }

    @Test("batch 2 naming batch 1's manifest digest verifies after batch 1")
    func linked() throws {
        // Given batch 1 and a batch 2 whose previous is batch 1's manifest SHA-256
        let second = try read(SampleBatch(key: key, sequence: 2, previous: first.manifestSHA256, firstSerial: 10))
        // When verified in order, Then both pass
        #expect(outcome(first, after: nil) == nil)
        #expect(outcome(second, after: first) == nil)
        // And batch 3 chains onto batch 2
        let third = try read(SampleBatch(key: key, sequence: 3, previous: second.manifestSHA256, firstSerial: 20))
        #expect(outcome(third, after: second) == nil)
    }

    @Test("a wrong previous digest breaks the chain")
    func wrongPrevious() throws {
        // Given batch 2 naming some other manifest
        let bogus = String(repeating: "ee", count: 32)
        let second = try read(SampleBatch(key: key, sequence: 2, previous: bogus, firstSerial: 10))
        // When verified after batch 1, Then the chain is broken and the message names both digests
        let error = try #require(outcome(second, after: first))
        #expect(error.code == .brokenChain)
        #expect(
            error.message
                == "previous is \(bogus) but the previous batch's manifest.json SHA-256 is \(first.manifestSHA256)")
    }

    @Test("a gap in the sequence breaks the chain")
    func gap() throws {
        // Given batch 3 right after batch 1, naming batch 1's digest
        let third = try read(SampleBatch(key: key, sequence: 3, previous: first.manifestSHA256, firstSerial: 10))
        // When verified after batch 1, Then it does not follow
        #expect(outcome(third, after: first) == BatchError(.brokenChain, "sequence 3 does not follow 1"))
    }

    @Test("a repeated sequence number breaks the chain")
    func repeated() throws {
        // Given a second batch numbered 1 again
        let again = try read(SampleBatch(key: key, sequence: 1, previous: first.manifestSHA256, firstSerial: 10))
        // When verified after batch 1, Then it does not follow
        #expect(outcome(again, after: first)?.code == .brokenChain)
    }

    @Test("a batch of another center breaks the chain")
    func otherCenter() throws {
        // Given batch 2 of center LT02 naming DEMO01's batch 1
        let second = try read(
            SampleBatch(key: key, center: "LT02", sequence: 2, previous: first.manifestSHA256, firstSerial: 10))
        // When verified after DEMO01's batch 1, Then the chain is broken
        let error = try #require(outcome(second, after: first))
        #expect(error.code == .brokenChain)
        #expect(error.message.contains("\"LT02\"") && error.message.contains("\"DEMO01\""))
    }

    @Test("sequence 1 with a previous digest is refused")
    func firstWithPrevious() throws {
        // Given a batch 1 that names a previous manifest
        let odd = try read(SampleBatch(key: key, sequence: 1, previous: String(repeating: "ab", count: 32)))
        // When verified as the start of the chain, Then it is refused
        #expect(outcome(odd, after: nil)?.code == .brokenChain)
    }

    @Test("a later sequence with previous null is refused even without the previous batch")
    func laterWithoutPrevious() throws {
        // Given a batch 5 that names no previous manifest
        let fifth = try read(SampleBatch(key: key, sequence: 5, previous: nil))
        // When verified alone, Then it is refused
        #expect(
            outcome(fifth, after: nil)
                == BatchError(.brokenChain, "sequence 5 has previous null; only sequence 1 starts a chain"))
    }
}
