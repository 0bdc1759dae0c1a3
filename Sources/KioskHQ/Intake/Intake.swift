import Foundation
import KioskBatch
import KioskCrypto
import KioskReceipt
import Logging
import NIOPosix

#if canImport(Glibc)
import Glibc
import KioskSupport
#endif

/// What headquarters answers to a batch it took: 201 with a new receipt, or 200 with the
/// original receipt when the same bytes come again.
public enum IntakeOutcome: Equatable, Sendable {
    case accepted(SignedReceipt)
    case alreadyReceived(SignedReceipt)

    public var receipt: SignedReceipt {
        switch self {
        case .accepted(let receipt), .alreadyReceived(let receipt): receipt
        }
    }
}

/// Decides about one uploaded batch and stores it: everything is checked before anything is
/// stored, and a refused batch leaves no row and no file behind.
///
/// Checks, in order: the center is registered; a sequence already accepted with the same bytes
/// is answered from its stored receipt; the center's signature over the manifest bytes (before
/// anything is decoded); other bytes for an accepted sequence are a conflict (an alarm);
/// otherwise the sequence must be the next one; the batch is `kiosk-batch/2`, its records sealed
/// to one of headquarters' sealing keys; the archive is read strictly; the manifest names this
/// center and sequence and only its own references; key fingerprint, records digest, and
/// `previous` = SHA-256 of the last accepted manifest.
///
/// The records stay sealed: intake holds no opening key, checks the digest of the sealed bytes
/// and trusts the signed manifest's count and references, and stores the batch as received.
public final class Intake: Sendable {
    public let folder: HQFolder
    /// Where batches are stored: SQLite in the folder, or PostgreSQL shared by several instances.
    public let store: any HQStore
    let receiptKey: Ed25519PrivateKey
    /// Fingerprints of the sealing public keys a batch may be sealed to (current first).
    let sealingFingerprints: [String]
    let logger: Logger
    /// The largest accepted body, in bytes.
    public let maxBatchBytes: Int
    let readerLimits: BatchReader.Limits

    /// - Parameter sealingKeys: headquarters' sealing public keys, the current one first
    ///   (`HQFolder.loadSealingKeys()`); a batch sealed to any other key is refused.
    public init(
        folder: HQFolder, store: any HQStore, receiptKey: Ed25519PrivateKey, sealingKeys: [X25519PublicKey],
        maxBatchBytes: Int, logger: Logger
    ) {
        self.folder = folder
        self.store = store
        self.receiptKey = receiptKey
        self.sealingFingerprints = sealingKeys.map(\.fingerprint)
        self.maxBatchBytes = maxBatchBytes
        self.logger = logger
        var limits = BatchReader.Limits()
        limits.maxRecordsBytes = maxBatchBytes
        limits.maxManifestBytes = min(limits.maxManifestBytes, maxBatchBytes)
        readerLimits = limits
    }

    /// Intake on the data folder's SQLite database.
    public convenience init(
        folder: HQFolder, database: HQDatabase, receiptKey: Ed25519PrivateKey, sealingKeys: [X25519PublicKey],
        maxBatchBytes: Int, logger: Logger
    ) {
        self.init(
            folder: folder, store: SQLiteHQStore(database), receiptKey: receiptKey, sealingKeys: sealingKeys,
            maxBatchBytes: maxBatchBytes, logger: logger)
    }

    /// The registered center `code`, or 403; a code that cannot be a center is 400.
    public func registeredCenter(_ code: String) async throws(IntakeError) -> CenterRecord {
        guard CenterCode.isValid(code) else {
            throw IntakeError(
                .malformed, "\"\(code.prefix(40))\" is not a center code (2 to 12 upper-case letters or digits)")
        }
        let record = try await read("the center table") { try await store.center(code: code) }
        guard let record else {
            throw IntakeError(.unknownCenter, "center \(code) is not registered at headquarters")
        }
        return record
    }

    /// Checks and stores the batch in `body` for `center` at `sequence`; the disk work runs on NIO's thread pool.
    ///
    /// Always consumes `body`: the file is moved into `batches/` when accepted and removed otherwise.
    func process(
        _ body: ReceivedBody, center: CenterRecord, sequence: Int, now: Date = Date()
    ) async throws(IntakeError)
        -> IntakeOutcome
    {
        var kept = false
        defer { if !kept { body.discard() } }
        try await Self.offload { () throws(IntakeError) in try body.syncAndClose() }
        let log = logger.with(center: center.code, sequence: sequence)

        let existing = try await read { try await store.batch(center: center.code, sequence: sequence) }
        if let existing, body.holds(existing) {
            log.info("resend of an accepted batch: answered with its original receipt")
            return .alreadyReceived(existing.receipt)
        }
        let (key, signedManifest) = try await authenticate(body, center: center, sequence: sequence)
        if let existing {
            throw try await conflict(body, existing: existing, center: center.code, log: log)
        }
        let last = try await read { try await store.lastBatch(center: center.code) }
        let expected = (last?.sequence ?? 0) + 1
        if sequence < expected {
            // Stored since the first read, by another request (another instance): a resend of
            // the same bytes gets that receipt, other bytes are the conflict.
            let stored = try await self.read { try await store.batch(center: center.code, sequence: sequence) }
            if let stored {
                if body.holds(stored) {
                    log.info("the same batch was just accepted by another request: answered with its receipt")
                    return .alreadyReceived(stored.receipt)
                }
                throw try await conflict(body, existing: stored, center: center.code, log: log)
            }
        }
        guard sequence == expected else {
            throw IntakeError.outOfOrder(center: center.code, sequence: sequence, expected: expected)
        }

        try IntakeChecks.checkSealed(
            signedManifest, center: center.code, sequence: sequence, sealingFingerprints: sealingFingerprints)

        let previous: BatchContents?
        do {
            previous = try last.map {
                try BatchContents(
                    manifestBytes: $0.manifest, signature: $0.signature, recordsSHA256: $0.recordsSHA256,
                    recordCount: $0.recordCount, recordReferences: [])
            }
        } catch {
            throw IntakeError(.storage, "the stored last manifest of \(center.code) cannot be read: \(error)")
        }
        let contents: BatchContents
        do throws(IntakeError) {
            let limits = readerLimits
            contents = try await Self.offload { () throws(IntakeError) in
                try IntakeChecks.examine(
                    path: body.path, key: key, center: center.code, sequence: sequence, expected: expected,
                    previous: previous, limits: limits)
            }
        } catch {
            if error.code == .brokenChain {
                log.critical("ALARM: \(error.message)")
            }
            throw error
        }
        do throws(IntakeError) {
            try IntakeChecks.checkAuditWitness(
                contents.manifest.audit, seen: last?.audit, lastSequence: last?.sequence ?? 0, center: center.code,
                sequence: sequence)
        } catch {
            log.critical("ALARM: \(error.message)")
            throw error
        }

        let outcome = try await keep(body, contents: contents, center: center.code, now: now, log: log)
        kept = true
        return outcome
    }

    /// Checks the center's signature over the manifest bytes before anything of the upload is
    /// decoded: what is not signed by the center costs one signature check and is refused, so a
    /// huge or crafted body cannot make headquarters parse it, and cannot raise an alarm.
    private func authenticate(
        _ body: ReceivedBody, center: CenterRecord, sequence: Int
    ) async throws(IntakeError) -> (key: Ed25519PublicKey, manifest: [UInt8]) {
        let key: Ed25519PublicKey
        do {
            key = try Ed25519PublicKey(pemRepresentation: center.publicKeyPEM)
        } catch {
            throw IntakeError(.storage, "the stored key of \(center.code) cannot be read: \(error)")
        }
        let limits = readerLimits
        let manifest = try await Self.offload { () throws(IntakeError) in
            try IntakeChecks.authenticate(
                path: body.path, key: key, center: center.code, sequence: sequence, limits: limits)
        }
        return (key, manifest)
    }

    /// The refusal of other bytes, signed by the center, for a sequence already accepted: the
    /// kiosk's chain has diverged, which is an alarm. Only authenticated uploads get here, and the
    /// answer names no digest of what is stored.
    private func conflict(
        _ body: ReceivedBody, existing: AcceptedBatch, center: String, log: Logger
    ) async throws(IntakeError) -> IntakeError {
        let sequence = existing.sequence
        let expected = (try await read { try await store.lastBatch(center: center) }?.sequence ?? 0) + 1
        log.critical(
            "ALARM: \(center) batch \(sequence) was uploaded again, signed by the center, with different bytes (SHA-256 \(body.sha256), \(body.size) bytes; accepted \(existing.tarSHA256))"
        )
        return IntakeError(
            .conflict,
            "\(center) batch \(sequence) was already accepted with different bytes; "
                + "headquarters expects batch \(expected). This is logged as an alarm: the kiosk's chain has diverged",
            expectedSequence: expected)
    }

    /// Stores the batch, its records and its bytes in one transaction of the store; a crash or
    /// error before the commit leaves neither row nor (after cleanup) file.
    private func keep(
        _ body: ReceivedBody, contents: BatchContents, center: String, now: Date, log: Logger
    )
        async throws(IntakeError) -> IntakeOutcome
    {
        let manifest = contents.manifest
        let receivedAt = Receipt.timestamp(now)
        let receipt: SignedReceipt
        do {
            receipt = try SignedReceipt.sign(
                Receipt(
                    center: center, sequence: manifest.sequence, manifestSHA256: contents.manifestSHA256,
                    receivedAt: receivedAt, keyFingerprint: receiptKey.publicKey.fingerprint),
                with: receiptKey)
        } catch {
            throw IntakeError(.storage, "cannot sign the receipt: \(error)")
        }
        let relative = HQFolder.batchFile(center: center, sequence: manifest.sequence)
        let accepted = AcceptedBatchInput(
            center: center, contents: contents, tarSHA256: body.sha256, tarSize: body.size, file: relative,
            receivedAt: receivedAt, receipt: receipt)
        let result: IntakeDecision
        do {
            result = try await store.accept(accepted, body: body, folder: folder)
        } catch let duplicate as DuplicateReference {
            log.critical(
                "ALARM: \(center) batch \(manifest.sequence) repeats an application already received in batch \(duplicate.sequence)"
            )
            throw IntakeError(
                .conflict,
                "\(center) batch \(manifest.sequence) holds \(duplicate.reference), which headquarters already received "
                    + "in batch \(duplicate.sequence)")
        } catch let error as HQStoreUnavailable {
            throw IntakeError(.unavailable, "cannot store \(center) batch \(manifest.sequence) now: \(error)")
        } catch {
            throw IntakeError(.storage, "cannot store \(center) batch \(manifest.sequence): \(error)")
        }
        switch result {
        case .stored:
            log.notice(
                "accepted \(center) batch \(manifest.sequence): \(manifest.count) records, \(body.size) bytes, manifest \(contents.manifestSHA256)"
            )
            return .accepted(receipt)
        case .raced(let existing):
            // Another request stored this sequence between the checks and the transaction.
            guard body.holds(existing) else {
                log.critical("ALARM: \(center) batch \(manifest.sequence) arrived twice at once with different bytes")
                throw IntakeError(
                    .conflict, "\(center) batch \(manifest.sequence) was just accepted with different bytes",
                    expectedSequence: existing.sequence + 1)
            }
            return .alreadyReceived(existing.receipt)
        case .outOfOrder(let expected):
            throw IntakeError.outOfOrder(center: center, sequence: manifest.sequence, expected: expected)
        }
    }

    /// A read of the store; unreachable is 503 (the kiosk tries again later), any other failure 500.
    func read<T>(_ what: String = "the batch table", _ body: () async throws -> T) async throws(IntakeError) -> T {
        do {
            return try await body()
        } catch let error as HQStoreUnavailable {
            throw IntakeError(.unavailable, "cannot read \(what) now: \(error)")
        } catch {
            throw IntakeError(.storage, "cannot read \(what): \(error)")
        }
    }

    /// Runs blocking work (fsync, reading and hashing the archive) on NIO's thread pool.
    static func offload<T: Sendable>(
        _ body: @escaping @Sendable () throws(IntakeError) -> T
    ) async throws(IntakeError)
        -> T
    {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try body() }
        } catch let error as IntakeError {
            throw error
        } catch {
            throw IntakeError(.storage, "cannot process the batch: \(error)")
        }
    }
}

extension Logger {
    func with(center: String, sequence: Int) -> Logger {
        var logger = self
        logger[metadataKey: "center"] = "\(center)"
        logger[metadataKey: "sequence"] = "\(sequence)"
        return logger
    }
}
