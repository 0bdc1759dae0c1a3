import Foundation
import KioskBatch
import KioskCrypto
import KioskOutbox
import KioskReceipt
import KioskStore

#if canImport(Glibc)
import Glibc
import KioskSupport
#endif

/// One run of `kiosk upload`: seal what is ready, send the outbox to headquarters in sequence
/// order, and act on each verified receipt.
///
/// A batch is delivered only when headquarters' answer is a receipt signed by the pinned key
/// that names this center, this sequence and this manifest's SHA-256; a bare 200 is not a
/// delivery. Then, in this order: the receipt and the `delivered` state are committed; the tar
/// moves to `sent/`; personal data past the retention period is purged (then a WAL
/// checkpoint), and `sent/` files past it are deleted. A crash between two steps is finished
/// by the next run.
public struct Uploader: Sendable {
    /// How the run ended, and the exit code `kiosk upload` gives for it.
    public struct Report: Sendable, Equatable {
        public let outcome: UploadRun.Outcome
        public let created: Int
        public let delivered: [Delivery]
        /// Batches still waiting after the run.
        public let remaining: Int
        /// The failure that ended the run, if one did.
        public let failure: UploadFailure?

        /// 0 all delivered (or nothing to do), 75 try again later, 1 an operator must act.
        public var exitCode: Int32 {
            switch outcome {
            case .delivered, .nothingToDo: 0
            case .unreachable: 75
            case .operatorAction: 1
            }
        }
    }

    let database: AppDatabase
    let outboxFolder: URL
    let centerKey: Ed25519PrivateKey
    let center: String
    let sentFolder: URL
    let settings: UploadSettings
    let sealing: Outbox.Sealing?
    let reporter: any UploadReporter
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - outboxFolder: where the batch files wait (`DATA/outbox`); `centerKey` seals new batches there.
    ///   - sentFolder: where delivered batch files stay until the retention period is over (`DATA/sent`).
    ///   - sealing: headquarters' sealing key, to seal new batches (without it, approved
    ///     applications make the run fail with a clear message; sealed batches are still sent).
    public init(
        database: AppDatabase, outboxFolder: URL, center: String, centerKey: Ed25519PrivateKey, sentFolder: URL,
        settings: UploadSettings, sealing: Outbox.Sealing?, reporter: any UploadReporter = SilentReporter(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.sealing = sealing
        self.database = database
        self.outboxFolder = outboxFolder
        self.centerKey = centerKey
        self.center = center
        self.sentFolder = sentFolder
        self.settings = settings
        self.reporter = reporter
        self.now = now
    }

    /// Runs once; never throws: every failure is in the report (and in the `upload_run` log).
    ///
    /// One run at a time per data folder (an advisory lock on `DATA/.upload.lock`): a run that
    /// finds another one going reports that and exits 75 without touching anything.
    public func run() async -> Report {
        let lockPath = outboxFolder.deletingLastPathComponent().appendingPathComponent(".upload.lock").path
        // A lock file that cannot even be opened is reported like a busy one, as before: the
        // run stops without touching anything and the timer tries again.
        let lock = try? FileLock.tryLock(path: lockPath)
        defer { withExtendedLifetime(lock) {} }
        guard lock != nil else {
            let busy = UploadFailure(
                .unreachable, "another `kiosk upload` is running on this data folder; this run stops")
            reporter.failed(sequence: nil, failure: busy, retryIn: nil)
            return Report(outcome: .unreachable, created: 0, delivered: [], remaining: 0, failure: busy)
        }
        return await runLocked()
    }

    private func runLocked() async -> Report {
        let started = now()
        let clock = ContinuousClock()
        let deadline = clock.now + settings.runTimeLimit
        var created = 0
        var delivered: [Delivery] = []
        var failure: UploadFailure?
        var remaining = 0
        do {
            try finishMovesToSent()
            created = try createBatches()
            let pending = try database.batches.undelivered()
            remaining = pending.count
            if !pending.isEmpty {
                let client = try HQClient(settings: settings)
                for (index, batch) in pending.enumerated() {
                    do {
                        delivered.append(
                            try await deliver(
                                batch, index: index + 1, total: pending.count, client: client, deadline: deadline))
                        remaining -= 1
                    } catch {
                        failure = error
                        break
                    }
                }
                await client.shutdown()
            }
        } catch {
            // Failures before any batch was sent: sealing, the configuration.
            let problem = error as? UploadFailure ?? UploadFailure(.local, "\(error)")
            reporter.failed(sequence: nil, failure: problem, retryIn: nil)
            failure = problem
        }
        var purged = 0
        do {
            purged = try forgetExpired()
        } catch {
            let problem = UploadFailure(.local, "cannot purge delivered applications: \(error)")
            reporter.failed(sequence: nil, failure: problem, retryIn: nil)
            failure = failure ?? problem
        }
        let outcome: UploadRun.Outcome =
            switch failure {
            case nil: delivered.isEmpty ? .nothingToDo : .delivered
            case let failure? where failure.isTransient: .unreachable
            default: .operatorAction
            }
        try? database.delivery.recordUploadRun(
            UploadRun(
                startedAt: started, finishedAt: now(), outcome: outcome, deliveredBatches: delivered.count,
                error: failure?.message))
        // Checkpoint again after logging the run, so the WAL ends empty when personal data was
        // deleted (by the retention purge, or by sealing new batches).
        if purged > 0 || created > 0 { try? database.delivery.checkpointTruncate() }
        return Report(outcome: outcome, created: created, delivered: delivered, remaining: remaining, failure: failure)
    }

    // MARK: - Steps

    /// The outbox the batches are sealed into and sent from.
    var outbox: Outbox {
        Outbox(folder: outboxFolder, database: database, center: center, key: centerKey, sealing: sealing)
    }

    /// Seals approved applications into batches until none is left.
    private func createBatches() throws -> Int {
        var created = 0
        do {
            try outbox.completePending()
            while let (batch, _) = try outbox.createBatch(limit: settings.batchLimit, now: now()) {
                reporter.created(sequence: batch.sequence, applications: batch.count)
                created += 1
            }
        } catch {
            throw UploadFailure(.local, "cannot create batches: \(error)")
        }
        return created
    }

    /// Sends one batch, retrying transient failures with backoff; returns once its receipt is stored.
    private func deliver(
        _ batch: BatchRecordRow, index: Int, total: Int, client: HQClient, deadline: ContinuousClock.Instant
    )
        async throws(UploadFailure) -> Delivery
    {
        let file = outbox.fileURL(sequence: batch.sequence)
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        } catch {
            throw UploadFailure(
                .local, "batch \(batch.sequence): cannot read \(file.path): \(error.localizedDescription)")
        }
        let backoff = Backoff(initial: settings.initialBackoff, maximum: settings.maximumBackoff)
        let clock = ContinuousClock()
        var attempt = 0
        while true {
            attempt += 1
            reporter.sending(sequence: batch.sequence, bytes: size, index: index, total: total, attempt: attempt)
            let started = clock.now
            do throws(UploadFailure) {
                let remaining = deadline - clock.now
                guard remaining > .zero else {
                    throw UploadFailure(
                        .timeout, "the run's time limit passed before batch \(batch.sequence) was delivered")
                }
                let reporter = reporter
                let sequence = batch.sequence
                let answer = try await client.putBatch(
                    file: file.path, size: size, center: center, sequence: batch.sequence, deadline: remaining,
                    progress: { reporter.progress(sequence: sequence, sent: $0, bytes: size) })
                let (receipt, signed) = try checkAnswer(answer, for: batch)
                let sent = clock.now
                try store(signed, for: batch)
                let delivery = Delivery(
                    sequence: batch.sequence, applications: batch.count, bytes: size,
                    seconds: Self.seconds(sent - started), storeSeconds: Self.seconds(clock.now - sent),
                    alreadyReceived: answer.status == 200, receivedAt: receipt.receivedAt)
                reporter.delivered(delivery)
                return delivery
            } catch {
                let retry = error.isTransient && attempt < settings.attempts
                let wait = retry ? backoff.delay(after: attempt) : nil
                if let wait, clock.now + wait >= deadline {
                    reporter.failed(sequence: batch.sequence, failure: error, retryIn: nil)
                    throw error
                }
                reporter.failed(sequence: batch.sequence, failure: error, retryIn: wait)
                guard let wait else { throw error }
                try? await Task.sleep(for: wait)
            }
        }
    }

    /// Turns headquarters' answer into a verified receipt for exactly this batch, or the failure to report.
    func checkAnswer(
        _ answer: (status: Int, body: [UInt8]), for batch: BatchRecordRow
    ) throws(UploadFailure)
        -> (Receipt, SignedReceipt)
    {
        let (status, body) = answer
        switch status {
        case 200, 201:
            do {
                let signed = try SignedReceipt(wireBody: body)
                let receipt = try signed.verified(with: settings.receiptKey)
                guard receipt.center == center, receipt.sequence == batch.sequence,
                    receipt.manifestSHA256 == batch.manifestSHA256
                else {
                    throw ReceiptError(
                        "the receipt is for \(receipt.center) batch \(receipt.sequence) manifest \(receipt.manifestSHA256), "
                            + "not \(center) batch \(batch.sequence) manifest \(batch.manifestSHA256)")
                }
                return (receipt, signed)
            } catch {
                throw UploadFailure(
                    .badReceipt,
                    "batch \(batch.sequence): headquarters answered \(status) without a valid receipt (\(error)); "
                        + "nothing is marked delivered. Check hq_receipt_key and that hq_url is headquarters",
                    status: status)
            }
        case 500...599:
            let problem = IntakeProblem(wireBody: body)
            throw UploadFailure(
                .serverError,
                "batch \(batch.sequence): headquarters answered \(status)\(problem.map { ": \(Self.shown($0))" } ?? "")",
                status: status)
        default:
            let problem = IntakeProblem(wireBody: body)
            let reason = problem.map(Self.shown) ?? "no reason given"
            let expected = problem?.expectedSequence
            throw UploadFailure(
                .refused, "batch \(batch.sequence): headquarters refused it with \(status): \(reason)", status: status,
                expectedSequence: expected)
        }
    }

    /// Headquarters' reason, quoted and escaped: it reaches the operator's terminal and the
    /// stored last error, and a hostile server's ESC, BEL or C1 bytes must do nothing there.
    static func shown(_ problem: IntakeProblem) -> String {
        DisplayText.quoted(problem.message, maximumBytes: 1000)
    }

    /// Commits the receipt and the `delivered` state, then moves the tar to `sent/`.
    private func store(_ receipt: SignedReceipt, for batch: BatchRecordRow) throws(UploadFailure) {
        do {
            try database.delivery.record(
                sequence: batch.sequence, receipt: receipt.bytes, signature: receipt.signature, at: now())
            try moveToSent(sequence: batch.sequence)
        } catch {
            throw UploadFailure(.local, "batch \(batch.sequence) delivered, but storing its receipt failed: \(error)")
        }
    }

    // MARK: - Files and retention

    /// Moves the files of batches already delivered (a crash after the commit left them) to `sent/`.
    private func finishMovesToSent() throws {
        let delivered = try database.delivery.deliveredBatches()
        for sequence in delivered.keys.sorted()
        where FileManager.default.fileExists(atPath: outbox.fileURL(sequence: sequence).path) {
            try moveToSent(sequence: sequence)
        }
    }

    /// Moves a delivered batch's file to `sent/` durably (see `DurableFile.move`).
    private func moveToSent(sequence: Int) throws {
        let source = outbox.fileURL(sequence: sequence)
        do {
            try DurableFile.move(source, to: sentFolder.appendingPathComponent(source.lastPathComponent))
        } catch  where error.code == ENOENT && !FileManager.default.fileExists(atPath: source.path) {
            // Already moved (or deleted after retention): nothing left to do.
        } catch {
            throw UploadFailure(.local, "\(error)")
        }
    }

    /// Purges the personal data of applications delivered longer ago than the retention period,
    /// and deletes their batch files from `sent/`.
    private func forgetExpired() throws -> Int {
        let current = now()
        let cutoff = current.addingTimeInterval(-Double(settings.retentionDays) * 86_400)
        let purged = try database.delivery.purge(deliveredAtOrBefore: cutoff, at: current)
        let delivered = try database.delivery.deliveredBatches()
        let prefix = "\(center)-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: sentFolder.path)) ?? []
        where name.hasPrefix(prefix) && name.hasSuffix(".tar") {
            let digits = name.dropFirst(prefix.count).dropLast(4)
            guard let sequence = Int(digits), let at = delivered[sequence], at <= cutoff else { continue }
            unlink(sentFolder.appendingPathComponent(name).path)
        }
        return purged
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }
}
