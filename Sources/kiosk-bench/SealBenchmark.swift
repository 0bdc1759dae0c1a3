import Foundation
import KioskBatch
import KioskCrypto
import KioskOutbox
import KioskStore
import KioskSupport

#if canImport(Glibc)
import Glibc
#endif

/// `kiosk-bench unsealed-batch`: the baseline of the benchmark's sealing row (bench/kiosk_bench.py).
///
/// Makes the next batch of a kiosk database exactly as `kiosk batch create` does (one
/// transaction, the same record encoding, a scratch file, the tar written under a hidden name and
/// synced with its folder before the commit, renamed after) but with the records in clear
/// (`records.jsonl`) and the answers kept: the same batch unsealed, so the ratio of the two
/// times is what sealing costs. It only ever runs on the benchmark's copies of a database.
enum SealBenchmark {
    /// `DATA_DIR LIMIT`.
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 2 else { BenchCommand.usage() }
        let folder = URL(fileURLWithPath: arguments[0])
        guard let limit = Int(arguments[1]), limit > 0 else { BenchCommand.fail("LIMIT must be a positive number") }
        let database = try AppDatabase.open(at: folder.appendingPathComponent("kiosk.sqlite").path)
        let key = try CenterKey(folder: folder.appendingPathComponent("keys")).load()
        let outbox = folder.appendingPathComponent("outbox")
        try DurableFile.createFolder(outbox)
        let now = Date()
        var written: DurableStream?
        let batch = try database.batches.seal(limit: limit, at: now) { sequence, previous, applications in
            let scratch = try DurableStream(
                temporary: outbox.appendingPathComponent(".bench.records.partial"), exclusive: false)
            defer { scratch.discard() }
            let hasher = SHA256Hasher()
            var references: [String] = []
            var size = 0
            try Outbox.forEachChunk(of: &applications, onRecord: { references.append($0.reference) }) { chunk in
                hasher.update(chunk)
                size += chunk.count
                try chunk.withUnsafeBytes { try scratch.write($0) }
            }
            let manifest = BatchManifest(
                center: "DEMO01", keyFingerprint: key.publicKey.fingerprint, sequence: sequence, previous: previous,
                createdAt: BatchManifest.rfc3339(now), count: references.count, recordsSHA256: hasher.finalize().hex,
                references: references, sealingKeyFingerprint: nil)
            let manifestBytes = manifest.encoded()
            let signature = try key.signature(for: manifestBytes)
            let name = BatchManifest.fileName(center: "DEMO01", sequence: sequence)
            let output = try DurableStream(temporary: outbox.appendingPathComponent(".\(name).plain"), exclusive: false)
            var tar = TarWriter(fileDescriptor: output.fileDescriptor)
            let time = Int(now.timeIntervalSince1970)
            try tar.addFile(name: BatchEntry.manifest, bytes: manifestBytes, modificationTime: time)
            let input = open(scratch.temporary.path, O_RDONLY | O_CLOEXEC)
            defer { close(input) }
            try tar.addFile(name: BatchEntry.records, size: size, modificationTime: time) { sink in
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    try sink.write(buffer[0..<count])
                }
            }
            try tar.addFile(name: BatchEntry.signature, bytes: signature, modificationTime: time)
            try tar.finish()
            try output.sync()
            try DurableFile.syncFolder(outbox)
            written = output
            return SealedManifest(
                manifest: manifestBytes, signature: signature, manifestSHA256: SHA256.hash(manifestBytes).hex,
                count: references.count, recordsSize: size)
        }
        guard let batch, let written else {
            print("nothing to batch")
            return
        }
        try written.commit(
            to: outbox.appendingPathComponent(BatchManifest.fileName(center: "DEMO01", sequence: batch.sequence)))
        print("unsealed batch \(batch.sequence): \(batch.count) applications, \(batch.recordsSize) bytes of records")
    }
}
