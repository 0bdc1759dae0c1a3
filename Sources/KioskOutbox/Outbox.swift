import Foundation
import KioskBatch
import KioskCrypto
import KioskStore

#if canImport(Glibc)
import Glibc
import KioskSupport
#endif

/// Seals approved applications into signed batches and keeps their tar files in `outbox/`.
///
/// The database is the source of truth: sealing (sequence, manifest, signature, applications
/// marked `batched`) is one transaction, and the tar is written afterwards from the
/// database to a temporary name, fsynced, renamed and the folder fsynced. A crash between
/// the two leaves a sealed batch without its file; `completePending()` rebuilds it with the
/// same bytes, so rerunning finishes the work.
public struct Outbox {
    public let folder: URL
    let database: AppDatabase
    let center: String
    let key: Ed25519PrivateKey

    public init(folder: URL, database: AppDatabase, center: String, key: Ed25519PrivateKey) {
        self.folder = folder
        self.database = database
        self.center = center
        self.key = key
    }

    /// The file of a batch in the outbox.
    public func fileURL(sequence: Int) -> URL {
        folder.appendingPathComponent(BatchManifest.fileName(center: center, sequence: sequence))
    }

    /// Writes the files of sealed, undelivered batches that a crash left without one, and
    /// removes half-written files an interruption left behind.
    @discardableResult
    public func completePending() throws -> [URL] {
        try prepareFolder()
        let lock = try lockFolder()
        defer { withExtendedLifetime(lock) {} }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix(".") && name.hasSuffix(".partial") {
            unlink(folder.appendingPathComponent(name).path)
        }
        var written: [URL] = []
        for batch in try database.batches.undelivered()
        where !FileManager.default.fileExists(atPath: fileURL(sequence: batch.sequence).path) {
            written.append(try writeFile(for: batch))
        }
        return written
    }

    /// Seals the next batch of at most `limit` approved applications and writes its file; nil when none is ready.
    public func createBatch(limit: Int, now: Date = Date()) throws -> (batch: BatchRecordRow, file: URL)? {
        try completePending()
        let createdAt = BatchManifest.rfc3339(now)
        let fingerprint = key.publicKey.fingerprint
        let sealed = try database.batches.seal(limit: limit, at: now) { sequence, previous, applications in
            let hasher = SHA256Hasher()
            var references: [String] = []
            var size = 0
            try Self.forEachChunk(of: &applications, onRecord: { references.append($0.reference) }) { chunk in
                hasher.update(chunk)
                size += chunk.count
            }
            let manifest = BatchManifest(
                center: center, keyFingerprint: fingerprint, sequence: sequence, previous: previous,
                createdAt: createdAt, count: references.count, recordsSHA256: hasher.finalize().hex,
                references: references, sealingKeyFingerprint: nil)
            let bytes = manifest.encoded()
            return SealedManifest(
                manifest: bytes, signature: try key.signature(for: bytes), manifestSHA256: SHA256.hash(bytes).hex,
                count: references.count, recordsSize: size)
        }
        guard let sealed else { return nil }
        let lock = try lockFolder()
        defer { withExtendedLifetime(lock) {} }
        if FileManager.default.fileExists(atPath: fileURL(sequence: sealed.sequence).path) {
            // Another process (an upload started meanwhile) already wrote it from the database.
            return (sealed, fileURL(sequence: sealed.sequence))
        }
        return (sealed, try writeFile(for: sealed))
    }

    /// Encodes the applications as record lines in chunks of about 64 KiB, so hashing and
    /// writing run on large buffers and memory stays flat whatever the batch size.
    static func forEachChunk(
        of applications: inout any ApplicationCursor, onRecord: (BatchRecord) -> Void = { _ in },
        _ body: ([UInt8]) throws -> Void
    ) throws {
        let chunkSize = 1 << 16
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize + 4096)
        while let application = try applications.next() {
            application.appendJSONLine(to: &buffer)
            onRecord(application)
            if buffer.count >= chunkSize {
                try body(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try body(buffer) }
    }

    // MARK: - Files

    private func prepareFolder() throws {
        do {
            try DurableFile.createFolder(folder)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
    }

    /// Waits for the exclusive lock on `outbox/.lock`, so a timer's upload and a supervisor's
    /// "upload now" never write or move the same batch file at once.
    private func lockFolder() throws -> FileLock {
        do {
            return try FileLock(path: folder.appendingPathComponent(".lock").path)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
    }

    /// Streams the batch's tar from the database to a temporary file, then syncs and renames it
    /// into place (`DurableStream`); a failure leaves no file under the final name.
    private func writeFile(for batch: BatchRecordRow) throws -> URL {
        try prepareFolder()
        let final = fileURL(sequence: batch.sequence)
        let stream: DurableStream
        do {
            stream = try DurableStream(temporary: DurableFile.temporaryURL(for: final), exclusive: false)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
        defer { stream.discard() }
        let fd = stream.fileDescriptor
        let manifest = try BatchManifest.decode(batch.manifest)
        let modificationTime = Int(batch.createdAt.timeIntervalSince1970)
        var tar = TarWriter(fileDescriptor: fd)
        try tar.addFile(name: "manifest.json", bytes: batch.manifest, modificationTime: modificationTime)
        let digest: String
        do {
            digest = try database.batches.readApplications(sequence: batch.sequence) { applications in
                let hasher = SHA256Hasher()
                try tar.addFile(name: "records.jsonl", size: batch.recordsSize, modificationTime: modificationTime) {
                    sink in
                    try Self.forEachChunk(of: &applications) { chunk in
                        hasher.update(chunk)
                        try sink.write(chunk)
                    }
                }
                return hasher.finalize().hex
            }
        } catch let error as BatchError where error.code == .malformedArchive {
            // The records no longer have the length they were sealed with.
            throw OutboxError(
                .inconsistent,
                "batch \(batch.sequence): the records read back differ from the sealed batch (\(error)); an application of this batch was changed in the database"
            )
        }
        guard digest == manifest.recordsSHA256 else {
            throw OutboxError(
                .inconsistent,
                "batch \(batch.sequence): the records read back hash to \(digest), but the signed manifest says \(manifest.recordsSHA256); an application of this batch was changed in the database"
            )
        }
        try tar.addFile(name: "manifest.sig", bytes: batch.signature, modificationTime: modificationTime)
        try tar.finish()
        do {
            try stream.commit(to: final)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
        return final
    }
}
