import Foundation
import GRDB
import Hummingbird
import KioskBatch
import KioskCrypto
import KioskReceipt
import KioskTestSupport
import Testing

@testable import KioskHQ

/// What an attacker tried against the intake (issue 18): one center claiming another's
/// references, one key for two centers, unsigned bodies that cost parsing or raise alarms.
@Suite("kiosk-hq intake under attack")
struct IntakeSecurityTests {
    let hq: HQFixture
    let otherKey: Ed25519PrivateKey

    init() throws {
        hq = try HQFixture()
        otherKey = try Ed25519PrivateKey.generate()
        _ = try hq.database.addCenter(code: "CENB", key: otherKey.publicKey, at: Date())
    }

    @Test func aBatchListingAnotherCentersReferencesIsRefusedAndThatCenterStillUploads() async throws {
        // Given a batch signed by DEMO01 with its own key, listing CENB's (predictable) references
        let forged = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, referenceCenter: "CENB")
        let real = try TestBatch(key: otherKey, center: "CENB", sequence: 1, previous: nil)
        #expect(forged.references == real.references)

        // When DEMO01 uploads it, and then CENB uploads its real batch 1
        let (foreign, own) = try await hq.withRoutes { client in
            (
                try await HQFixture.put(client, try forged.archive(), sequence: 1),
                try await HQFixture.put(client, try real.archive(), center: "CENB", sequence: 1)
            )
        }

        // Then the forged batch is refused, naming the foreign reference, and CENB's is accepted
        #expect(foreign.status == 400)
        let problem = try #require(IntakeProblem(wireBody: foreign.body))
        #expect(problem.message.contains("belongs to center CENB"))
        #expect(own.status == 201)
        #expect(try hq.database.recordCount(center: "DEMO01") == 0)
        #expect(try hq.database.recordCount(center: "CENB") == 3)
        #expect(!hq.logs.messages.contains { $0.level == .critical })
    }

    @Test func referencesAreUniquePerCenterAfterTheMigrationOfAVersion1Database() throws {
        // Given a version 1 database where DEMO01 already holds CENB's first reference (as the
        // old intake let it happen)
        let folder = try TemporaryFolder(prefix: "kiosk-hq-v1")
        let path = folder.path("hq.sqlite")
        let queue = try DatabaseQueue(path: path)
        try HQDatabase.migrator.migrate(queue, upTo: "v1-intake")
        let forged = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, referenceCenter: "CENB")
        try queue.write { db in
            for (code, key) in [("DEMO01", hq.centerKey), ("CENB", otherKey)] {
                try db.execute(
                    sql: "INSERT INTO center (code, public_key, key_fingerprint, added_at) VALUES (?, ?, ?, ?)",
                    arguments: [code, key.publicKey.pemRepresentation, key.publicKey.fingerprint, Date()])
            }
            try db.execute(
                sql: """
                    INSERT INTO batch (center, sequence, manifest, signature, manifest_sha256, records_sha256,
                        record_count, tar_sha256, tar_size, file, received_at, receipt, receipt_signature) VALUES
                    ('DEMO01', 1, x'00', x'00', ?, ?, 3, ?, 1, 'f', '2026-11-27T21:45:00Z', x'00', x'00')
                    """,
                arguments: [
                    forged.manifestSHA256, String(repeating: "a", count: 64), String(repeating: "b", count: 64),
                ])
            for (position, reference) in forged.references.enumerated() {
                try db.execute(
                    sql: "INSERT INTO record (reference, center, sequence, position) VALUES (?, 'DEMO01', 1, ?)",
                    arguments: [reference, position + 1])
            }
        }
        try queue.close()

        // When headquarters opens it (migrating it) and CENB uploads a batch with the same references
        let database = try HQDatabase.open(at: path)
        let real = try TestBatch(key: otherKey, center: "CENB", sequence: 1, previous: nil)
        let tar = folder.file("batch.tar")
        try Data(try real.archive()).write(to: tar)
        let contents = try BatchReader.read(path: tar.path)
        let decision = try database.accept(
            AcceptedBatchInput(
                center: "CENB", contents: contents, tarSHA256: String(repeating: "c", count: 64), tarSize: 1,
                file: "f", receivedAt: "2026-11-28T00:00:00Z",
                receipt: try SignedReceipt.sign(
                    Receipt(
                        center: "CENB", sequence: 1, manifestSHA256: real.manifestSHA256,
                        receivedAt: "2026-11-28T00:00:00Z", keyFingerprint: hq.receiptKey.publicKey.fingerprint),
                    with: hq.receiptKey))
        ) {}

        // Then it is stored: the old rows stayed, and uniqueness holds within each center only
        guard case .stored = decision else {
            Issue.record("expected the batch to be stored, got \(decision)")
            return
        }
        #expect(try database.recordCount(center: "DEMO01") == 3)
        #expect(try database.recordCount(center: "CENB") == 3)
    }

    @Test(
        "odd center codes and sequences in the path are 400 (held up; kept as a regression test)",
        arguments: [
            ("D", "1"), ("DEMO01X1234567", "1"), ("DEMO-1", "1"), ("DEMO01", "-1"), ("DEMO01", "1e3"),
            ("DEMO01", "0x10"), ("DEMO01", "99999999999999"), ("DEMO01", "%31"),
        ])
    func oddPaths(_ center: String, _ sequence: String) async throws {
        let status = try await hq.withRoutes { client in
            try await client.execute(
                uri: "/v1/centers/\(center)/batches/\(sequence)", method: .put,
                headers: [.contentType: "application/x-tar"], body: ByteBuffer(bytes: [0])
            ) { Int($0.status.code) }
        }
        #expect(status == 400, "\(center) \(sequence)")
        #expect(try hq.trace().incoming.isEmpty)
    }

    @Test func theSamePublicKeyCannotBeRegisteredForTwoCenters() throws {
        // When DEMO01's key is registered again for a new center
        #expect {
            _ = try hq.database.addCenter(code: "CENC", key: hq.centerKey.publicKey, at: Date())
        } throws: { error in
            // Then it is refused, naming the center that holds it
            "\(error)".contains("already registered for center DEMO01")
        }
        #expect(try hq.database.center(code: "CENC") == nil)
        // And registering DEMO01 with its own key again is still harmless
        #expect(try hq.database.addCenter(code: "DEMO01", key: hq.centerKey.publicKey, at: Date()).code == "DEMO01")
    }

    @Test func anUnsignedManifestIsRefusedForItsSignatureBeforeItIsParsed() async throws {
        // Given an archive whose manifest is not JSON at all and whose signature is zeros
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let garbage = try batch.archive(
            manifest: Array(repeating: UInt8(ascii: "["), count: 200_000),
            signature: [UInt8](repeating: 0, count: 64))

        // When it is uploaded
        let answer = try await hq.withRoutes { try await HQFixture.put($0, garbage, sequence: 1) }

        // Then the refusal is for the signature (the manifest was never decoded), not for the JSON
        #expect(answer.status == 422)
        let problem = try #require(IntakeProblem(wireBody: answer.body))
        #expect(problem.error == "unverifiable")
        #expect(problem.message.contains("manifest.sig does not verify"))
        #expect(try hq.trace().incoming.isEmpty)
    }

    @Test func otherUnsignedBytesForAnAcceptedSequenceAreRefusedWithoutAlarmOrDigest() async throws {
        // Given DEMO01's batch 1 accepted
        let original = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let originalBytes = try original.archive()
        let stranger = try Ed25519PrivateKey.generate()
        let unsigned = try TestBatch(key: stranger, sequence: 1, previous: nil, answerSalt: "x").archive()

        // When someone without the center's key PUTs other bytes (a tiny body, and a batch signed by another key)
        let (tiny, foreignSigned) = try await hq.withRoutes { client in
            _ = try await HQFixture.put(client, originalBytes, sequence: 1)
            return (
                try await HQFixture.put(client, Array(repeating: 0x41, count: 18), sequence: 1),
                try await HQFixture.put(client, unsigned, sequence: 1)
            )
        }

        // Then both are plain refusals: no alarm, and the stored tar's digest is not revealed
        let storedSHA256 = SHA256.hash(originalBytes).hex
        for answer in [tiny, foreignSigned] {
            #expect((400..<500).contains(answer.status))
            #expect(IntakeProblem(wireBody: answer.body)?.error != "conflict")
            #expect(!String(decoding: answer.body, as: UTF8.self).contains(storedSHA256))
        }
        #expect(foreignSigned.status == 422)
        #expect(!hq.logs.messages.contains { $0.level == .critical })
        #expect(try hq.trace().batches == 1)
    }
}
