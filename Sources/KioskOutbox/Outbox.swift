import Foundation
import KioskBatch
import KioskCrypto
import KioskSeal
import KioskStore

#if canImport(Glibc)
import Glibc
import KioskSupport
#endif

/// Seals approved applications into signed batches and keeps their tar files in `outbox/`.
///
/// A batch's records are sealed to headquarters' X25519 key (`kiosk-batch/2`, HPKE), so the
/// kiosk can no longer read them once they are sealed, and nor can anyone who takes its disk.
/// Sealing is randomized, so a sealed batch cannot be rebuilt from the database: its file is
/// written first and made durable under a hidden name (`.NAME.tar.sealed`), then one database
/// transaction records the batch, marks its applications `batched` and (with
/// `keep_plaintext_days` 0) deletes their answers, and only then is the file renamed into place.
/// A crash before the commit leaves a hidden file that `completePending()` removes (the
/// applications are still approved, in clear); a crash after it leaves one it renames. At every
/// moment each application is in the database or in a durable sealed file.
///
/// Upgrading from the version that wrote `kiosk-batch/1` (records in clear, which headquarters
/// no longer takes): deliver every batch first (`kiosk status`: outbox 0).
public struct Outbox {
    /// Headquarters' sealing key as this kiosk uses it.
    public struct Sealing: Sendable {
        /// The key the records are sealed to (`hq_sealing_key`, `--hq-seal-key`).
        public var key: X25519PublicKey
        /// A new key's fingerprint that an operator confirmed (`--accept-sealing-key`).
        public var confirmedFingerprint: String?
        /// Days sealed applications keep their answers on the kiosk; 0 deletes them as they are sealed.
        public var keepPlaintextDays: Int

        public init(key: X25519PublicKey, confirmedFingerprint: String? = nil, keepPlaintextDays: Int = 0) {
            self.key = key
            self.confirmedFingerprint = confirmedFingerprint
            self.keepPlaintextDays = keepPlaintextDays
        }
    }

    public let folder: URL
    let database: AppDatabase
    let center: String
    let key: Ed25519PrivateKey
    let sealing: Sealing?

    public init(folder: URL, database: AppDatabase, center: String, key: Ed25519PrivateKey, sealing: Sealing?) {
        self.folder = folder
        self.database = database
        self.center = center
        self.key = key
        self.sealing = sealing
    }

    /// The file of a batch in the outbox.
    public func fileURL(sequence: Int) -> URL {
        folder.appendingPathComponent(BatchManifest.fileName(center: center, sequence: sequence))
    }

    /// Where a sealed batch waits, durable, for the transaction that records it.
    func sealedURL(sequence: Int) -> URL {
        folder.appendingPathComponent(".\(BatchManifest.fileName(center: center, sequence: sequence)).sealed")
    }

    /// Finishes what an interruption left: renames a sealed batch whose transaction committed,
    /// and removes one whose transaction did not, and any half-written file. An undelivered batch
    /// whose file is gone is an error: it cannot be rebuilt.
    @discardableResult
    public func completePending() throws -> [URL] {
        try prepareFolder()
        let lock = try lockFolder()
        defer { withExtendedLifetime(lock) {} }
        return try completePendingLocked()
    }

    private func completePendingLocked() throws -> [URL] {
        var written: [URL] = []
        let undelivered = try database.batches.undelivered()
        let bySequence = Dictionary(uniqueKeysWithValues: undelivered.map { ($0.sequence, $0) })
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let url = folder.appendingPathComponent(name)
            if name.hasPrefix(".") && name.hasSuffix(".partial") {
                unlink(url.path)
            } else if name.hasPrefix(".") && name.hasSuffix(".tar.sealed") {
                if let batch = try recordedBatch(sealedAt: url, undelivered: bySequence) {
                    try move(url, to: fileURL(sequence: batch.sequence))
                    written.append(fileURL(sequence: batch.sequence))
                } else {
                    // A transaction that never committed: its applications are still approved.
                    unlink(url.path)
                }
            }
        }
        for batch in undelivered where !FileManager.default.fileExists(atPath: fileURL(sequence: batch.sequence).path) {
            throw OutboxError(
                .inconsistent,
                "batch \(batch.sequence) is sealed but its file \(fileURL(sequence: batch.sequence).lastPathComponent) "
                    + "is missing from \(folder.path); a sealed batch cannot be made again (its records are sealed "
                    + "with a one-time key, and their answers are no longer on this kiosk). Put the file back from a "
                    + "copy, or ask headquarters")
        }
        return written
    }

    /// The undelivered batch a hidden sealed file belongs to, when its transaction committed and
    /// its file is not in place yet; nil for a leftover of a transaction that did not commit.
    ///
    /// A hidden file of a recorded batch is the only copy of its records, so one that does not
    /// hold exactly the recorded manifest and signature is left where it is, and reported.
    private func recordedBatch(sealedAt url: URL, undelivered: [Int: BatchRecordRow]) throws -> BatchRecordRow? {
        guard let batch = undelivered.values.first(where: { sealedURL(sequence: $0.sequence) == url }),
            !FileManager.default.fileExists(atPath: fileURL(sequence: batch.sequence).path)
        else { return nil }
        guard let signed = try? BatchReader.signedManifest(path: url.path),
            signed.manifest == batch.manifest, signed.signature == batch.signature
        else {
            throw OutboxError(
                .inconsistent,
                "batch \(batch.sequence) is sealed, but \(url.lastPathComponent) in \(folder.path) does not hold "
                    + "its recorded manifest and signature; it was left as it is (it may be the only copy of the "
                    + "records). Ask support")
        }
        return batch
    }

    /// Seals the next batch of at most `limit` approved applications and writes its file; nil when none is ready.
    ///
    /// Also deletes the answers that `keep_plaintext_days` no longer keeps, and checkpoints the
    /// WAL when answers were deleted, so no copy of them stays in `kiosk.sqlite-wal`.
    public func createBatch(limit: Int, now: Date = Date()) throws -> (batch: BatchRecordRow, file: URL)? {
        try prepareFolder()
        let lock = try lockFolder()
        defer { withExtendedLifetime(lock) {} }
        _ = try completePendingLocked()
        var forgotten = 0
        defer { if forgotten > 0 { try? database.delivery.checkpointTruncate() } }
        if let sealing, sealing.keepPlaintextDays > 0 {
            let cutoff = now.addingTimeInterval(-Double(sealing.keepPlaintextDays) * 86_400)
            forgotten += try database.batches.forgetAnswers(sealedAtOrBefore: cutoff, at: now)
        }
        guard try database.applications.countsByState()[.approved, default: 0] > 0 else { return nil }
        guard let sealing else {
            throw OutboxError(
                .sealingKeyMissing,
                "no sealing key of headquarters: set hq_sealing_key in config.json or pass --hq-seal-key "
                    + "(`kiosk-hq keys show` prints it); nothing was sealed")
        }
        _ = try database.batches.useSealingKey(
            sealing.key.fingerprint, confirmed: sealing.confirmedFingerprint, at: now)
        let forget = sealing.keepPlaintextDays == 0
        var pending: DurableStream?
        defer { pending?.discard() }
        // Where the audit log stands now (read before the sealing transaction, which may not read
        // again): headquarters keeps it and refuses a later batch whose log is shorter, or as long
        // with another head (a rewritten log).
        let audit = try database.audit.head().map { AuditWitness(length: Int($0.id), head: $0.sha256) }
        let sealed = try database.batches.seal(limit: limit, at: now, forgetAnswers: forget) {
            sequence, previous, applications in
            let (stream, manifest) = try writeSealedFile(
                sequence: sequence, previous: previous, applications: &applications, sealingKey: sealing.key,
                createdAt: now, audit: audit)
            pending = stream
            return manifest
        }
        guard let sealed, let stream = pending else { return nil }
        // Committed: from here on the hidden file is the only copy of the records, kept whatever
        // happens; if the rename fails, the next run's completePending() does it.
        pending = nil
        if forget { forgotten += sealed.count }
        let final = fileURL(sequence: sealed.sequence)
        do {
            try stream.keep()
        } catch {
            throw OutboxError(.io, "\(error)")
        }
        try move(stream.temporary, to: final)
        return (sealed, final)
    }

    /// Writes batch `sequence` to `.NAME.tar.sealed`, durably (file and folder synced): the records
    /// sealed to `sealingKey` in a scratch file first (the manifest, which comes first in the tar,
    /// names their digest), then manifest, sealed records and signature. Returns the open stream,
    /// which is removed unless committed, and what the database records.
    private func writeSealedFile(
        sequence: Int, previous: String?, applications: inout any ApplicationCursor, sealingKey: X25519PublicKey,
        createdAt: Date, audit: AuditWitness?
    ) throws -> (DurableStream, SealedManifest) {
        let scratch = try stream(at: folder.appendingPathComponent(".\(UUID().uuidString).records.partial"))
        defer { scratch.discard() }
        var sealer = try RecordSealer(recipient: sealingKey, center: center, sequence: sequence)
        let hasher = SHA256Hasher()
        var references: [String] = []
        var sealedSize = 0
        let emit: ([UInt8]) throws -> Void = { bytes in
            hasher.update(bytes)
            sealedSize += bytes.count
            try bytes.withUnsafeBytes { try scratch.write($0) }
        }
        try Self.forEachChunk(
            of: &applications, onRecord: { references.append($0.reference) },
            { chunk in try sealer.append(chunk, emit: emit) })
        try sealer.finish(emit: emit)
        let manifest = BatchManifest(
            center: center, keyFingerprint: key.publicKey.fingerprint, sequence: sequence, previous: previous,
            createdAt: BatchManifest.rfc3339(createdAt), count: references.count, recordsSHA256: hasher.finalize().hex,
            references: references, sealingKeyFingerprint: sealingKey.fingerprint, audit: audit)
        let manifestBytes = manifest.encoded()
        let signature = try key.signature(for: manifestBytes)

        let output = try stream(at: sealedURL(sequence: sequence))
        var tar = TarWriter(fileDescriptor: output.fileDescriptor)
        let modificationTime = Int(createdAt.timeIntervalSince1970)
        try tar.addFile(name: BatchEntry.manifest, bytes: manifestBytes, modificationTime: modificationTime)
        let input = open(scratch.temporary.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw OutboxError(.io, "cannot read back \(scratch.temporary.path)") }
        defer { close(input) }
        try tar.addFile(name: BatchEntry.sealedRecords, size: sealedSize, modificationTime: modificationTime) { sink in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { throw OutboxError(.io, "cannot read back \(scratch.temporary.path)") }
                if count == 0 { break }
                try sink.write(buffer[0..<count])
            }
        }
        try tar.addFile(name: BatchEntry.signature, bytes: signature, modificationTime: modificationTime)
        try tar.finish()
        do {
            try output.sync()
            try DurableFile.syncFolder(folder)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
        return (
            output,
            SealedManifest(
                manifest: manifestBytes, signature: signature, manifestSHA256: SHA256.hash(manifestBytes).hex,
                count: references.count, recordsSize: sealedSize)
        )
    }

    /// Encodes the applications as record lines in chunks of about 64 KiB, so hashing and
    /// writing run on large buffers and memory stays flat whatever the batch size.
    package static func forEachChunk(
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

    private func stream(at url: URL) throws -> DurableStream {
        do {
            return try DurableStream(temporary: url, exclusive: false)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
    }

    private func move(_ source: URL, to destination: URL) throws {
        do {
            try DurableFile.move(source, to: destination)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
    }

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
}
