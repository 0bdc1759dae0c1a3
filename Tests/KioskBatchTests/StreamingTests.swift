import Foundation
import KioskCrypto
import Testing

@testable import KioskBatch

@Suite("Streaming a large batch")
struct StreamingTests {
    @Test("20,000 records are written through the sink and read back with the right count and digest")
    func twentyThousand() throws {
        // Given 20,000 records produced on the fly (as a database cursor would), never all in memory:
        // a first pass measures and hashes the lines, a second pass streams them into the archive
        let workspace = try Workspace()
        let key = try Ed25519PrivateKey.generate()
        let count = 20_000
        func record(_ index: Int) -> BatchRecord { SampleBatch.record(center: "DEMO01", serial: index + 1) }
        let hasher = SHA256Hasher()
        var size = 0
        var references: [String] = []
        var line: [UInt8] = []
        for index in 0..<count {
            line.removeAll(keepingCapacity: true)
            let record = record(index)
            record.appendJSONLine(to: &line)
            hasher.update(line)
            size += line.count
            references.append(record.reference)
        }
        let digest = hasher.finalize().hex
        let manifest = BatchManifest(
            center: "DEMO01", keyFingerprint: key.publicKey.fingerprint, sequence: 1, previous: nil,
            createdAt: BatchManifest.rfc3339(Date()), count: count, recordsSHA256: digest, references: references,
            sealingKeyFingerprint: nil)
        let manifestBytes = manifest.encoded()
        let path = workspace.path(BatchManifest.fileName(center: "DEMO01", sequence: 1))

        // When the archive is streamed to disk and read back
        try SampleBatch.withFile(path) { fd in
            var writer = TarWriter(fileDescriptor: fd)
            try writer.addFile(name: BatchEntry.manifest, bytes: manifestBytes, modificationTime: 0)
            try writer.addFile(name: BatchEntry.records, size: size, modificationTime: 0) { sink in
                var line: [UInt8] = []
                for index in 0..<count {
                    line.removeAll(keepingCapacity: true)
                    record(index).appendJSONLine(to: &line)
                    try sink.write(line)
                }
            }
            try writer.addFile(
                name: BatchEntry.signature, bytes: try key.signature(for: manifestBytes), modificationTime: 0)
            try writer.finish()
        }
        let contents = try BatchReader.read(path: path)

        // Then the count, digest and references match and it verifies (its speed is a row of
        // bench/kiosk_bench.py, not a threshold here: a loaded machine would decide it)
        #expect(contents.recordCount == count)
        #expect(contents.recordsSHA256 == digest)
        #expect(contents.recordReferences == references)
        try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
    }
}
