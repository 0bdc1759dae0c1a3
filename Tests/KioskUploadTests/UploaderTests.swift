import Foundation
import GRDB
import Hummingbird
import KioskCrypto
import KioskHQ
import KioskReceipt
import KioskStore
import KioskTestSupport
import KioskUpload
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Uploader` against the real headquarters intake over HTTPS on a free port, with a CA made
/// at test time; faults come from headquarters stand-ins on the same TLS setup.
@Suite("kiosk upload against kiosk-hq")
struct UploaderTests {
    let world: UploadWorld

    init() throws {
        world = try UploadWorld()
    }

    @Test func approvedApplicationsAreSealedSentAndDeliveredWithVerifiedReceipts() async throws {
        // Given five approved applications, sealed two per batch
        try world.storeApproved(5)

        // When the upload runs against headquarters
        let report = try await world.withHQ { port in
            await world.uploader(try world.settings(port: port), batchLimit: 2).run()
        }

        // Then three batches were created and delivered in order, exit 0
        #expect(report.exitCode == 0)
        #expect(report.created == 3)
        #expect(report.delivered.map(\.sequence) == [1, 2, 3])
        #expect(report.delivered.allSatisfy { !$0.alreadyReceived })
        // And every application is delivered once at headquarters; the kiosk lost its answers when
        // they were sealed
        #expect(try world.kioskState().states == ["delivered": 5])
        #expect(try world.kioskState().withAnswers == 0)
        #expect(try world.hqRecords() == (5, 5))
        // And the receipts are stored and verify; the tars moved to sent/
        for sequence in 1...3 {
            let stored = try #require(try world.database.delivery.receipt(sequence: sequence))
            let receipt = try SignedReceipt(bytes: stored.receipt, signature: stored.signature)
                .verified(with: world.receiptKey.publicKey)
            #expect(receipt.sequence == sequence)
        }
        #expect(try world.files(in: world.outboxFolder).isEmpty)
        #expect(
            try world.files(in: world.sentURL) == ["DEMO01-00000001.tar", "DEMO01-00000002.tar", "DEMO01-00000003.tar"])
        let summary = try world.database.delivery.summary()
        #expect(summary.outboxBatches == 0)
        #expect(summary.lastSuccessAt != nil)
        #expect(summary.lastError == nil)
    }

    @Test func personalDataIsPurgedAfterTheRetentionPeriodAndTheWALIsTruncated() async throws {
        // Given a center that keeps the answers 30 days after sealing for its staff
        let world = try UploadWorld(keepPlaintextDays: 30)
        try world.storeApproved(3)
        try await world.withHQ { port in
            let settings = try world.settings(port: port)
            // When delivered, then run again eight days later
            #expect(await world.uploader(settings).run().exitCode == 0)
            #expect(try world.kioskState().withAnswers == 3)
            let later = Date().addingTimeInterval(8 * 86_400)
            let second = await world.uploader(settings, now: { later }).run()
            #expect(second.outcome == .nothingToDo)
        }
        // Then the answers are gone, reference, state and batch stay, sent/ is empty, the WAL is empty
        #expect(try world.kioskState().withAnswers == 0)
        let queue = try DatabaseQueue(path: world.databasePath)
        let rows = try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT reference, state, batch_sequence, purged_at, submitted_at FROM application")
        }
        try queue.close()
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0["state"] == "delivered" && $0["batch_sequence"] == 1 && $0["purged_at"] != nil })
        #expect(try world.files(in: world.sentURL).isEmpty)
        let wal = try FileManager.default.attributesOfItem(atPath: world.databasePath + "-wal")[.size] as? Int
        #expect(wal == 0)
    }

    @Test func retentionZeroPurgesAtDelivery() async throws {
        let world = try UploadWorld(keepPlaintextDays: 30)
        try world.storeApproved(2)
        let report = try await world.withHQ { port in
            var settings = try world.settings(port: port)
            settings.retentionDays = 0
            return await world.uploader(settings).run()
        }
        #expect(report.exitCode == 0)
        #expect(try world.kioskState().withAnswers == 0)
        #expect(try world.files(in: world.sentURL).isEmpty)
    }

    @Test func headquartersDownThenUpDeliversEveryApplicationExactlyOnce() async throws {
        try world.storeApproved(4)
        // Given a port where nothing listens
        let closedPort = try await world.withHQ { $0 }

        // When the upload runs while headquarters is down
        let down = await world.uploader(try world.settings(port: closedPort), batchLimit: 3).run()

        // Then it exits 75 with an unreachable failure, nothing delivered, the batches wait
        #expect(down.exitCode == 75)
        #expect(down.failure?.kind == .unreachable)
        #expect(down.created == 2)
        #expect(try world.kioskState().states == ["batched": 4])
        #expect(try world.database.delivery.summary().lastError?.contains("cannot connect") == true)

        // When headquarters is back
        let up = try await world.withHQ { port in
            await world.uploader(try world.settings(port: port), batchLimit: 3).run()
        }
        #expect(up.exitCode == 0)
        #expect(up.delivered.map(\.sequence) == [1, 2])
        #expect(try world.kioskState().states == ["delivered": 4])
        #expect(try world.hqRecords() == (4, 4))
    }

    @Test func headquartersAnswering500IsRetriedThenExit75() async throws {
        try world.storeApproved(1)
        let attempts = Counter()
        let report = try await withServer(
            faultServer(world) { request, _ in
                attempts.increment()
                for try await _ in request.body {}
                return Response(status: .internalServerError)
            }
        ) { port in
            await world.uploader(try world.settings(port: port)).run()
        }
        #expect(report.exitCode == 75, "\(report.failure?.message ?? "no failure")")
        #expect(report.failure?.kind == .serverError)
        #expect(report.failure?.message.contains("500") == true)
        #expect(attempts.value == 3)
        #expect(try world.kioskState().states == ["batched": 1])
        #expect(try world.files(in: world.outboxFolder) == ["DEMO01-00000001.tar"])
    }

    @Test func aSlowHeadquartersTimesOut() async throws {
        try world.storeApproved(1)
        let report = try await withServer(
            faultServer(world) { request, _ in
                for try await _ in request.body {}
                try await Task.sleep(for: .seconds(3))
                return Response(status: .created)
            }
        ) { port in
            var settings = try world.settings(port: port)
            settings.readTimeout = .milliseconds(300)
            settings.attempts = 2
            return await world.uploader(settings).run()
        }
        #expect(report.exitCode == 75)
        #expect(report.failure?.kind == .timeout)
        #expect(try world.kioskState().states == ["batched": 1])
    }

    @Test func aBare200IsNotADelivery() async throws {
        let world = try UploadWorld(keepPlaintextDays: 30)
        try world.storeApproved(1)
        let report = try await withServer(
            faultServer(world) { request, _ in
                for try await _ in request.body {}
                return Response(
                    status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>Welcome to the hotel Wi-Fi</html>")))
            }
        ) { port in
            await world.uploader(try world.settings(port: port)).run()
        }
        #expect(report.exitCode == 1)
        #expect(report.failure?.kind == .badReceipt)
        #expect(try world.kioskState().states == ["batched": 1])
        #expect(try world.kioskState().withAnswers == 1)
    }

    @Test func aReceiptSignedByAWrongKeyDeliversNothingAndDeletesNothing() async throws {
        // Given the kiosk pins a key that is not headquarters' receipt key, and retention 0
        let world = try UploadWorld(keepPlaintextDays: 30)
        try world.storeApproved(2)
        let wrongKey = try Ed25519PrivateKey.generate().publicKey
        let report = try await world.withHQ { port in
            var settings = try world.settings(port: port, receiptKey: wrongKey)
            settings.retentionDays = 0
            return await world.uploader(settings).run()
        }
        // Then nothing is marked delivered, no answer is deleted, the tar stays in the outbox
        #expect(report.exitCode == 1)
        #expect(report.failure?.kind == .badReceipt)
        #expect(report.failure?.message.contains("pinned headquarters key") == true)
        #expect(try world.kioskState().states == ["batched": 2])
        #expect(try world.kioskState().withAnswers == 2)
        #expect(try world.files(in: world.outboxFolder) == ["DEMO01-00000001.tar"])
        #expect(try world.database.delivery.receipt(sequence: 1) == nil)
    }

    @Test func aReceiptForAnotherBatchIsRefused() async throws {
        // Given a stand-in that answers every upload with a valid receipt for batch 99
        try world.storeApproved(1)
        let receiptKey = world.receiptKey
        let report = try await withServer(
            faultServer(world) { request, _ in
                for try await _ in request.body {}
                let receipt = try SignedReceipt.sign(
                    Receipt(
                        center: "DEMO01", sequence: 99, manifestSHA256: String(repeating: "a", count: 64),
                        receivedAt: "2026-11-27T21:45:00Z", keyFingerprint: receiptKey.publicKey.fingerprint),
                    with: receiptKey)
                return Response(status: .created, body: .init(byteBuffer: ByteBuffer(bytes: receipt.wireBody())))
            }
        ) { port in
            await world.uploader(try world.settings(port: port)).run()
        }
        #expect(report.exitCode == 1)
        #expect(report.failure?.message.contains("batch 99") == true)
        #expect(try world.kioskState().states == ["batched": 1])
    }

    @Test func aServerCertificateFromAnotherCAIsRefused() async throws {
        try world.storeApproved(1)
        let otherCA = try TestPKI(in: world.root, name: "other")
        let report = try await world.withHQ { port in
            await world.uploader(try world.settings(port: port, ca: otherCA.caCertificate)).run()
        }
        #expect(report.exitCode == 1)
        #expect(report.failure?.kind == .tls)
        #expect(try world.kioskState().states == ["batched": 1])
        #expect(try world.hqRecords() == (0, 0))
    }

    @Test func headquartersRequiringClientCertificatesTakesOnlyTheKioskThatHasOne() async throws {
        // Given headquarters that requires a client certificate from the test CA
        try world.storeApproved(1)
        let client = try world.pki.clientCertificate(name: "demo01-kiosk")
        let server = HQServer(
            intake: world.intake,
            settings: .init(
                host: "127.0.0.1", port: 0, tls: (world.pki.serverCertificate, world.pki.serverKey),
                clientCA: world.pki.caCertificate),
            logger: Logger(label: "kiosk-hq-test"))
        let (without, with) = try await withServer(server.application(onRunning:)) { port in
            var settings = try world.settings(port: port)
            settings.attempts = 1
            // When the kiosk comes without one, then with one
            let without = await world.uploader(settings).run()
            settings.clientCertificate = client
            return (without, await world.uploader(settings).run())
        }
        // Then the first is refused at the TLS level and nothing is delivered; the second delivers
        #expect(without.failure?.kind == .tls, "\(String(describing: without.failure))")
        #expect(without.exitCode == 1)
        #expect(without.delivered.isEmpty)
        #expect(with.exitCode == 0)
        #expect(try world.hqRecords() == (1, 1))
    }

    @Test func aSecondRunWhileOneIsGoingStopsWithoutTouchingAnything() async throws {
        // Given another run holding the data folder's upload lock
        try world.storeApproved(1)
        let lock = open(world.root.appendingPathComponent(".upload.lock").path, O_RDWR | O_CREAT, 0o600)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX) == 0)

        // When a run starts, it stops at once: exit 75, no batch sealed
        let report = try await world.withHQ { await world.uploader(try world.settings(port: $0)).run() }
        #expect(report.exitCode == 75)
        #expect(report.failure?.message.contains("another `kiosk upload`") == true)
        #expect(try world.kioskState().states == ["approved": 1])
    }

    @Test func aBatchStoredAtHeadquartersWhoseReceiptWasLostGetsTheOriginalReceiptOnRerun() async throws {
        // Given batch 1 sealed and already stored at headquarters (the kiosk never saw the answer)
        try world.storeApproved(2)
        let (batch, file) = try #require(try world.outbox.createBatch(limit: 500))
        let bytes = try Data(contentsOf: file)
        let original = try await world.withHQ { port in
            let answer = try await Self.put(bytes, sequence: batch.sequence, port: port, ca: world.pki.caCertificate)
            #expect(answer.status == 201)
            // When the kiosk uploads
            let report = await world.uploader(try world.settings(port: port)).run()
            #expect(report.exitCode == 0)
            #expect(report.delivered.first?.alreadyReceived == true)
            return answer.body
        }
        // Then it holds the original receipt, and headquarters holds each application once
        let stored = try #require(try world.database.delivery.receipt(sequence: 1))
        #expect(SignedReceipt(bytes: stored.receipt, signature: stored.signature).wireBody() == original)
        #expect(try world.hqRecords() == (2, 2))
    }

    @Test func aTamperedBatchIsRefusedByHeadquartersAndNeedsAnOperator() async throws {
        try world.storeApproved(2)
        let (_, file) = try #require(try world.outbox.createBatch(limit: 500))
        // One byte of the sealed records changed: the tar is intact, its content no longer what was signed
        var bytes = [UInt8](try Data(contentsOf: file))
        let header = try #require(
            (0..<(bytes.count / 512)).first { bytes[($0 * 512)..<($0 * 512 + 14)].elementsEqual("records.sealed".utf8) }
        )
        bytes[(header + 1) * 512 + 100] ^= 0x20
        try Data(bytes).write(to: file)
        let report = try await world.withHQ { port in
            await world.uploader(try world.settings(port: port)).run()
        }
        #expect(report.exitCode == 1)
        #expect(report.failure?.kind == .refused)
        #expect(report.failure?.status == 422)
        #expect(try world.kioskState().states == ["batched": 2])
        #expect(try world.hqRecords() == (0, 0))
    }

    @Test func anOldBatchReplayedToHeadquartersChangesNothing() async throws {
        try world.storeApproved(2)
        try await world.withHQ { port in
            #expect(await world.uploader(try world.settings(port: port), batchLimit: 1).run().exitCode == 0)
            let old = try Data(contentsOf: world.sentURL.appendingPathComponent("DEMO01-00000001.tar"))
            let asItself = try await Self.put(old, sequence: 1, port: port, ca: world.pki.caCertificate)
            let asNext = try await Self.put(old, sequence: 3, port: port, ca: world.pki.caCertificate)
            #expect(asItself.status == 200)
            #expect(asNext.status == 409)
            #expect(IntakeProblem(wireBody: asNext.body)?.expectedSequence == 3)
        }
        #expect(try world.hqRecords() == (2, 2))
    }

    /// PUTs raw bytes to headquarters with the stock `curl`, as an attacker or an operator would.
    static func put(_ bytes: Data, sequence: Int, port: Int, ca: String) async throws -> (status: Int, body: [UInt8]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("batch.tar")
        let output = folder.appendingPathComponent("answer")
        try bytes.write(to: input)
        let process = Process()
        process.executableURL = try ProcessRunner.tool("curl")
        process.arguments = [
            "--silent", "--cacert", ca, "-T", input.path, "-H", "Content-Type: application/x-tar", "-o", output.path,
            "-w", "%{http_code}",
            "https://127.0.0.1:\(port)\(IntakeProtocol.batchPath(center: "DEMO01", sequence: sequence))",
        ]
        let status = Pipe()
        process.standardOutput = status
        try process.run()
        // Wait on a thread of its own: blocking a cooperative thread could starve the server under test.
        let code = await withCheckedContinuation { continuation in
            Thread {
                let code = status.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: code)
            }.start()
        }
        // curl's own failure (no connection, TLS) is the test's failure, not a status of -1.
        guard process.terminationStatus == 0, let status = Int(String(decoding: code, as: UTF8.self)) else {
            throw CurlFailure(status: process.terminationStatus, output: String(decoding: code, as: UTF8.self))
        }
        // curl writes no file for an empty body.
        let body = FileManager.default.fileExists(atPath: output.path) ? try Data(contentsOf: output) : Data()
        return (status, [UInt8](body))
    }
}

/// A thread-safe counter for handlers.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

/// `curl` did not complete the request.
struct CurlFailure: Error, CustomStringConvertible {
    let status: Int32
    let output: String

    var description: String { "curl exited \(status) (printed \(output.debugDescription))" }
}
