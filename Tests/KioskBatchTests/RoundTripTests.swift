import Foundation
import KioskCrypto
import Testing

@testable import KioskBatch

@Suite("Round trip: write, read, verify")
struct RoundTripTests {
    @Test("a batch written with TarWriter reads back identically and verifies")
    func roundTrip() throws {
        // Given a signed batch of three records written to a file
        let workspace = try Workspace()
        let key = try Ed25519PrivateKey.generate()
        let batch = try SampleBatch(key: key)
        let path = workspace.path(BatchManifest.fileName(center: "DEMO01", sequence: 1))
        try batch.write(to: path)
        #expect(try workspace.read("DEMO01-00000001.tar") == (try batch.archive()))

        // When it is read back
        let contents = try BatchReader.read(path: path)

        // Then everything matches what was written, and it verifies
        #expect(contents.manifestBytes == batch.manifestBytes)
        #expect(contents.manifest == batch.manifest)
        #expect(contents.signature == batch.signature)
        #expect(contents.recordsSHA256 == SHA256.hash(batch.recordsBytes).hex)
        #expect(contents.recordCount == 3)
        #expect(contents.recordReferences == batch.records.map(\.reference))
        #expect(contents.manifestSHA256 == SHA256.hash(batch.manifestBytes).hex)
        try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
    }

    @Test("an empty batch (no records) is a valid batch")
    func emptyBatch() throws {
        // Given a batch with zero records
        let workspace = try Workspace()
        let key = try Ed25519PrivateKey.generate()
        let batch = try SampleBatch(key: key, count: 0)
        try batch.write(to: workspace.path("b.tar"))
        // When read and verified, Then it is accepted with count 0
        let contents = try BatchReader.read(path: workspace.path("b.tar"))
        #expect(contents.recordCount == 0)
        #expect(contents.recordReferences.isEmpty)
        try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
    }

    @Test("contents rebuilt from stored parts equal the contents read from the archive")
    func contentsFromParts() throws {
        // Given a batch read from its archive
        let workspace = try Workspace()
        let key = try Ed25519PrivateKey.generate()
        let batch = try SampleBatch(key: key)
        try batch.write(to: workspace.path("b.tar"))
        let read = try BatchReader.read(path: workspace.path("b.tar"))
        // When the same batch is rebuilt from its manifest and signature (as a database keeps them)
        let rebuilt = try BatchContents(
            manifestBytes: batch.manifestBytes, signature: batch.signature, recordsSHA256: read.recordsSHA256,
            recordCount: 3, recordReferences: read.recordReferences)
        // Then both agree and both verify
        #expect(rebuilt.manifest == read.manifest)
        #expect(rebuilt.manifestSHA256 == read.manifestSHA256)
        try BatchVerifier.verify(rebuilt, key: key.publicKey, previous: nil)
    }

    @Test("records with a mismatching reference, count or digest are caught by the verifier")
    func recordMismatches() throws {
        let key = try Ed25519PrivateKey.generate()
        let batch = try SampleBatch(key: key)
        func verify(references: [String], count: Int, digest: String) throws(BatchError) {
            let contents = try BatchContents(
                manifestBytes: batch.manifestBytes, signature: batch.signature, recordsSHA256: digest,
                recordCount: count, recordReferences: references)
            try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
        }
        let references = batch.records.map(\.reference)
        let digest = SHA256.hash(batch.recordsBytes).hex
        // Given swapped references, Then .referencesMismatch naming the record
        #expect(
            throws: BatchError(
                .referencesMismatch,
                "record 1 has reference \"\(references[1])\" but the manifest lists \"\(references[0])\" at that position"
            )
        ) {
            try verify(references: [references[1], references[0], references[2]], count: 3, digest: digest)
        }
        // Given one record fewer, Then .countMismatch
        #expect(throws: BatchError(.countMismatch, "records.jsonl has 2 records but the manifest says count 3")) {
            try verify(references: Array(references.prefix(2)), count: 2, digest: digest)
        }
        // Given another digest, Then .digestMismatch naming both digests in full
        let other = String(repeating: "0", count: 64)
        #expect(
            throws: BatchError(
                .digestMismatch, "records.jsonl SHA-256 is \(other) but the manifest says \(digest)"
            )
        ) {
            try verify(references: references, count: 3, digest: other)
        }
    }
}
