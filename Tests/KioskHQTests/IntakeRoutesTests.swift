import Foundation
import Hummingbird
import HummingbirdTesting
import KioskBatch
import KioskCrypto
import KioskHQ
import KioskReceipt
import Testing

/// `PUT /v1/centers/{code}/batches/{sequence}` and the other routes, through the real router:
/// every answer the issue lists, receipts that verify, and no trace of a refused batch.
@Suite("kiosk-hq intake routes")
struct IntakeRoutesTests {
    let hq: HQFixture

    init() throws {
        hq = try HQFixture()
    }

    @Test func theFirstBatchIsStoredAndAnsweredWith201AndASignedReceipt() async throws {
        // Given batch 1 of DEMO01, signed with its registered key
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let bytes = try batch.archive()

        // When it is uploaded
        let answer = try await hq.withRoutes { try await HQFixture.put($0, bytes, sequence: 1) }

        // Then 201 with a receipt signed by headquarters' key naming exactly this batch
        #expect(answer.status == 201)
        let receipt = try SignedReceipt(wireBody: answer.body).verified(with: hq.receiptKey.publicKey)
        #expect(receipt.center == "DEMO01")
        #expect(receipt.sequence == 1)
        #expect(receipt.manifestSHA256 == batch.manifestSHA256)
        #expect(receipt.keyFingerprint == hq.receiptKey.publicKey.fingerprint)
        // And the batch, its records and its file are stored; nothing is left in incoming/
        let trace = try hq.trace()
        #expect(trace.batches == 1)
        #expect(trace.records == 3)
        #expect(trace.incoming.isEmpty)
        #expect(trace.files == ["DEMO01/DEMO01-00000001.tar"])
        let stored = try Data(contentsOf: hq.folder.url.appendingPathComponent("batches/DEMO01/DEMO01-00000001.tar"))
        #expect([UInt8](stored) == bytes)
        #expect(try hq.database.lastBatch(center: "DEMO01")?.receipt == SignedReceipt(wireBody: answer.body))
    }

    @Test func aResendOfTheSameBytesGets200AndTheOriginalReceipt() async throws {
        let bytes = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive()
        let (first, second) = try await hq.withRoutes { client in
            (try await HQFixture.put(client, bytes, sequence: 1), try await HQFixture.put(client, bytes, sequence: 1))
        }
        #expect(first.status == 201)
        #expect(second.status == 200)
        #expect(second.body == first.body)
        #expect(try hq.trace().records == 3)
    }

    @Test func theSameSequenceWithOtherBytesIs409AndAnAlarm() async throws {
        let original = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive()
        let other = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, answerSalt: "changed").archive()
        let answer = try await hq.withRoutes { client in
            _ = try await HQFixture.put(client, original, sequence: 1)
            return try await HQFixture.put(client, other, sequence: 1)
        }
        #expect(answer.status == 409)
        let problem = try #require(IntakeProblem(wireBody: answer.body))
        #expect(problem.error == "conflict")
        #expect(problem.expectedSequence == 2)
        #expect(hq.logs.messages.contains { $0.level == .critical && $0.message.contains("ALARM") })
        let trace = try hq.trace()
        #expect(trace.batches == 1 && trace.incoming.isEmpty)
        let stored = try Data(contentsOf: hq.folder.url.appendingPathComponent("batches/DEMO01/DEMO01-00000001.tar"))
        #expect([UInt8](stored) == original)
    }

    @Test func aGapIs409SayingWhichSequenceIsExpected() async throws {
        let first = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let second = try TestBatch(key: hq.centerKey, sequence: 2, previous: first)
        let third = try TestBatch(key: hq.centerKey, sequence: 3, previous: second)
        let answer = try await hq.withRoutes { client in
            _ = try await HQFixture.put(client, try first.archive(), sequence: 1)
            return try await HQFixture.put(client, try third.archive(), sequence: 3)
        }
        #expect(answer.status == 409)
        let problem = try #require(IntakeProblem(wireBody: answer.body))
        #expect(problem.error == "wrong-sequence")
        #expect(problem.expectedSequence == 2)
        #expect(problem.message.contains("expects batch 2"))
        #expect(try hq.trace().batches == 1)
    }

    @Test func anOldBatchReplayedAsTheNextSequenceIs409AndLeavesNoTrace() async throws {
        // Given batches 1 and 2 accepted
        let first = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let second = try TestBatch(key: hq.centerKey, sequence: 2, previous: first)
        let answers = try await hq.withRoutes { client in
            _ = try await HQFixture.put(client, try first.archive(), sequence: 1)
            _ = try await HQFixture.put(client, try second.archive(), sequence: 2)
            // When batch 1 is replayed as batch 3, and as itself
            return (
                try await HQFixture.put(client, try first.archive(), sequence: 3),
                try await HQFixture.put(client, try first.archive(), sequence: 1)
            )
        }
        // Then as batch 3 it is refused, expecting 3; as itself it is a harmless resend
        #expect(answers.0.status == 409)
        #expect(IntakeProblem(wireBody: answers.0.body)?.expectedSequence == 3)
        #expect(answers.1.status == 200)
        let trace = try hq.trace()
        #expect(trace.batches == 2 && trace.records == 6 && trace.incoming.isEmpty)
    }

    @Test func anUnknownCenterIs403() async throws {
        let stranger = try Ed25519PrivateKey.generate()
        let bytes = try TestBatch(key: stranger, center: "OTHER9", sequence: 1, previous: nil).archive()
        let answer = try await hq.withRoutes { try await HQFixture.put($0, bytes, center: "OTHER9", sequence: 1) }
        #expect(answer.status == 403)
        #expect(IntakeProblem(wireBody: answer.body)?.error == "unknown-center")
        #expect(try hq.trace().batches == 0)
    }

    @Test func aBatchSignedByAnotherKeyIs422() async throws {
        let impostor = try Ed25519PrivateKey.generate()
        let bytes = try TestBatch(key: impostor, sequence: 1, previous: nil).archive()
        let answer = try await hq.withRoutes { try await HQFixture.put($0, bytes, sequence: 1) }
        #expect(answer.status == 422)
        #expect(IntakeProblem(wireBody: answer.body)?.message.contains("key") == true)
        let trace = try hq.trace()
        #expect(trace.batches == 0 && trace.records == 0 && trace.incoming.isEmpty && trace.files.isEmpty)
    }

    @Test func aTamperedRecordIs422WithTheDigests() async throws {
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        var records = batch.recordsBytes
        // A byte of the first sealed chunk, past the encapsulated key and the length
        records[40] ^= 0x01
        let tampered = try batch.archive(records: records)
        let answer = try await hq.withRoutes { try await HQFixture.put($0, tampered, sequence: 1) }
        #expect(answer.status == 422)
        #expect(IntakeProblem(wireBody: answer.body)?.message.contains("SHA-256") == true)
        let trace = try hq.trace()
        #expect(trace.batches == 0 && trace.files.isEmpty && trace.incoming.isEmpty)
    }

    @Test func aBatchThatDoesNotChainOntoTheLastManifestIs409() async throws {
        let first = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let forked = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, answerSalt: "fork")
        let second = try TestBatch(key: hq.centerKey, sequence: 2, previous: forked)
        let answer = try await hq.withRoutes { client in
            _ = try await HQFixture.put(client, try first.archive(), sequence: 1)
            return try await HQFixture.put(client, try second.archive(), sequence: 2)
        }
        #expect(answer.status == 409)
        #expect(IntakeProblem(wireBody: answer.body)?.error == "broken-chain")
        #expect(try hq.trace().batches == 1)
    }

    @Test func anApplicationAlreadyReceivedInAnEarlierBatchIs409() async throws {
        let first = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let again = try TestBatch(key: hq.centerKey, sequence: 2, previous: first, firstSerial: 3)
        let answer = try await hq.withRoutes { client in
            _ = try await HQFixture.put(client, try first.archive(), sequence: 1)
            return try await HQFixture.put(client, try again.archive(), sequence: 2)
        }
        #expect(answer.status == 409)
        #expect(
            IntakeProblem(wireBody: answer.body)?.message.contains(
                TestBatch.referenceNumber(center: "DEMO01", year: 2026, serial: 3)) == true)
        let trace = try hq.trace()
        #expect(trace.batches == 1 && trace.records == 3 && trace.files.count == 1 && trace.incoming.isEmpty)
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let hq = try HQFixture(maxBatchBytes: 4096)
        let big = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, count: 60).archive()
        let (declared, streamed) = try await hq.withRoutes { client in
            (
                try await client.execute(
                    uri: IntakeProtocol.batchPath(center: "DEMO01", sequence: 1), method: .put,
                    headers: [.contentType: "application/x-tar", .contentLength: String(big.count)],
                    body: ByteBuffer(bytes: big)
                ) { Int($0.status.code) },
                try await HQFixture.put(client, big, sequence: 1).status
            )
        }
        #expect(declared == 413)
        #expect(streamed == 413)
        let trace = try hq.trace()
        #expect(trace.batches == 0 && trace.incoming.isEmpty)
    }

    @Test func aBodyThatIsNotATarIs400AndOtherMediaTypesAre415() async throws {
        let answers = try await hq.withRoutes { client in
            (
                try await HQFixture.put(client, Array("hello".utf8), sequence: 1).status,
                try await HQFixture.put(
                    client, try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive(),
                    sequence: 1, contentType: "application/json"
                ).status,
                try await HQFixture.put(client, [], sequence: 0).status,
                try await HQFixture.put(client, [], center: "demo01", sequence: 1).status
            )
        }
        #expect(answers.0 == 400)
        #expect(answers.1 == 415)
        #expect(answers.2 == 400)
        #expect(answers.3 == 400)
    }

    @Test func statusAndHealthAnswer() async throws {
        let first = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let (health, status, unknown) = try await hq.withRoutes { client in
            _ = try await HQFixture.put(client, try first.archive(), sequence: 1)
            return (
                try await client.execute(uri: "/health", method: .get) { Int($0.status.code) },
                try await client.execute(uri: IntakeProtocol.statusPath(center: "DEMO01"), method: .get) {
                    try JSONDecoder().decode(CenterStatus.self, from: Data($0.body.readableBytesView))
                },
                try await client.execute(uri: IntakeProtocol.statusPath(center: "NOPE01"), method: .get) {
                    Int($0.status.code)
                }
            )
        }
        #expect(health == 200)
        #expect(status.lastSequence == 1)
        #expect(status.lastManifestSHA256 == first.manifestSHA256)
        #expect(unknown == 403)
    }
}
