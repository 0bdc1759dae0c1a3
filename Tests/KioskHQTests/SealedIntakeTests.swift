import Foundation
import Hummingbird
import HummingbirdTesting
import KioskCrypto
import KioskHQ
import KioskReceipt
import KioskTestSupport
import Testing

/// Sealed records at headquarters (issue 12): intake takes only batches sealed to one of its
/// sealing keys and keeps them sealed; export opens them with the opening key the manifest names.
@Suite("kiosk-hq sealed records")
struct SealedIntakeTests {
    /// A surname no other test uses, to look for in every file headquarters wrote.
    static let canary = "Канарейченко"

    let hq: HQFixture

    init() throws {
        hq = try HQFixture()
    }

    func export(
        _ format: HQExport.Format, keys: [X25519PrivateKey] = [TestBatch.openingKey], database: HQDatabase? = nil
    ) async throws -> String {
        var text = ""
        _ = try await HQExport(folder: hq.folder, database: database ?? hq.database, openingKeys: keys).run(
            .init(), format: format
        ) { text += $0 }
        return text
    }

    // MARK: - Intake

    @Test func aBatchWithItsRecordsInClearIsRefusedWith422() async throws {
        // Given a kiosk-batch/1 batch, correctly signed, with the records in clear
        let plain = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, sealedTo: nil)
        #expect(plain.manifest.format == "kiosk-batch/1")

        // When it is uploaded
        let answer = try await hq.withRoutes { try await HQFixture.put($0, try plain.archive(), sequence: 1) }

        // Then 422 saying headquarters takes sealed batches only, and nothing is kept
        #expect(answer.status == 422)
        let problem = try #require(IntakeProblem(wireBody: answer.body))
        #expect(problem.error == "unverifiable")
        #expect(problem.message.contains("kiosk-batch/1"))
        #expect(problem.message.contains("in clear"))
        #expect(problem.message.contains("only kiosk-batch/2"))
        let trace = try hq.trace()
        #expect(trace.batches == 0 && trace.records == 0 && trace.files.isEmpty && trace.incoming.isEmpty)
    }

    @Test func aBatchSealedToAnotherKeyIsRefusedWith422NamingBothFingerprints() async throws {
        // Given a batch sealed to a key headquarters does not have
        let stranger = TestBatch.otherOpeningKey.publicKey
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, sealedTo: stranger)

        // When it is uploaded
        let answer = try await hq.withRoutes { try await HQFixture.put($0, try batch.archive(), sequence: 1) }

        // Then 422 naming the key it is sealed to and headquarters' sealing key
        #expect(answer.status == 422)
        let message = try #require(IntakeProblem(wireBody: answer.body)).message
        #expect(message.contains(stranger.fingerprint))
        #expect(message.contains(TestBatch.openingKey.publicKey.fingerprint))
        #expect(message.contains("not a sealing key of headquarters"))
        let trace = try hq.trace()
        #expect(trace.batches == 0 && trace.files.isEmpty && trace.incoming.isEmpty)
    }

    @Test func aBatchSealedToARetiredSealingKeyIsAccepted() async throws {
        // Given headquarters that rotated: a new sealing.pub.pem, the old one kept as sealing-1.pub.pem
        try FileManager.default.moveItem(
            at: hq.folder.sealingPublicKeyURL, to: hq.folder.keysURL.appendingPathComponent("sealing-1.pub.pem"))
        try HQFixture.installSealingKey(TestBatch.otherOpeningKey.publicKey, in: hq.folder)
        let keys = try hq.folder.loadSealingKeys()
        #expect(keys == [TestBatch.otherOpeningKey.publicKey, TestBatch.openingKey.publicKey])
        let intake = Intake(
            folder: hq.folder, database: hq.database, receiptKey: hq.receiptKey, sealingKeys: keys,
            maxBatchBytes: 1 << 20, logger: hq.logs.logger)
        let server = HQServer(
            intake: intake, settings: .init(host: "127.0.0.1", port: 0, tls: nil), logger: hq.logs.logger)

        // When a center still sealing to the old key sends batch 1, and then batch 2 to the new key
        let first = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let second = try TestBatch(
            key: hq.centerKey, sequence: 2, previous: first, sealedTo: TestBatch.otherOpeningKey.publicKey)
        let statuses = try await server.application().test(.router) { client in
            [
                try await HQFixture.put(client, try first.archive(), sequence: 1).status,
                try await HQFixture.put(client, try second.archive(), sequence: 2).status,
            ]
        }

        // Then both are accepted, and export with the two opening keys opens both
        #expect(statuses == [201, 201])
        let lines = try await export(.jsonl, keys: [TestBatch.openingKey, TestBatch.otherOpeningKey])
            .split(separator: "\n")
        #expect(lines.count == 6)
        // And with only one of them it fails, naming the batch and both fingerprints
        await #expect {
            _ = try await export(.jsonl, keys: [TestBatch.otherOpeningKey])
        } throws: { error in
            let text = "\(error)"
            return text.contains("DEMO01 batch 1") && text.contains(TestBatch.openingKey.publicKey.fingerprint)
                && text.contains(TestBatch.otherOpeningKey.publicKey.fingerprint)
        }
    }

    @Test func afterIntakeNoFileOfHeadquartersHoldsARecordInClear() async throws {
        // Given a batch whose answers carry a distinctive surname and national number
        let batch = try TestBatch(
            key: hq.centerKey, sequence: 1, previous: nil,
            answers: [#"{"surname":"\#(Self.canary)","rnokpp":"3652504575","unit":"u1"}"#])
        // (the scan below finds the canary when the records are in clear)
        let plain = try TestBatch(
            key: hq.centerKey, sequence: 1, previous: nil,
            answers: [
                #"{"surname":"\#(Self.canary)"}"#
            ], sealedTo: nil)
        #expect(Self.holdsCanary(try plain.archive()))

        // When it is uploaded over real HTTP on loopback
        let status = try await hq.server.application().test(.live) { client in
            try await HQFixture.put(client, try batch.archive(), sequence: 1).status
        }
        #expect(status == 201)

        // Then no file in the data folder (database, its -wal and -shm, stored batches, keys) holds it
        let manager = FileManager.default
        let files = (manager.enumerator(atPath: hq.folder.url.path)?.allObjects as? [String] ?? []).filter {
            var isFolder: ObjCBool = false
            return manager.fileExists(atPath: hq.folder.url.appendingPathComponent($0).path, isDirectory: &isFolder)
                && !isFolder.boolValue
        }
        #expect(files.contains("hq.sqlite") && files.contains("batches/DEMO01/DEMO01-00000001.tar"))
        #expect(files.contains("hq.sqlite-wal"))
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: hq.folder.url.appendingPathComponent(file)))
            #expect(!Self.holdsCanary(bytes), "\(file) holds the canary in clear")
            #expect(!Self.contains(bytes, Array("3652504575".utf8)), "\(file) holds the RNOKPP in clear")
        }
        // And the opening key does open it
        #expect(try await export(.jsonl).contains(Self.canary))
    }

    // MARK: - Export

    @Test func exportWithTheOpeningKeyWritesTheRecordsAsJSONLinesAndCSV() async throws {
        // Given two batches accepted
        let first = try TestBatch(
            key: hq.centerKey, sequence: 1, previous: nil,
            answers: [
                #"{"surname":"\#(Self.canary)","rnokpp":"3652504575","phone":"+380671234567","unit":"u1"}"#,
                #"{"surname":"Косач","unit":"u2"}"#,
            ])
        let second = try TestBatch(key: hq.centerKey, sequence: 2, previous: first, firstSerial: 10)
        let statuses = try await hq.withRoutes { client in
            [
                try await HQFixture.put(client, try first.archive(), sequence: 1).status,
                try await HQFixture.put(client, try second.archive(), sequence: 2).status,
            ]
        }
        try #require(statuses == [201, 201])

        // When they are exported with the opening key
        let jsonl = try await export(.jsonl).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let csv = try await export(.csv)

        // Then every record is there, in order, with its answers opened
        #expect(jsonl.compactMap { $0["reference"] as? String } == first.references + second.references)
        #expect((jsonl[0]["answers"] as? [String: Any])?["surname"] as? String == Self.canary)
        #expect(jsonl.map { $0["batch"] as? Int } == [1, 1, 2, 2, 2])
        // And the CSV opens in a spreadsheet: a header row and one row per record, formulas defused
        let folder = try TemporaryFolder(prefix: "hq-sealed-export")
        let file = folder.path("export.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
        let script = """
            import csv, sys, json
            rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
            print(json.dumps(rows, ensure_ascii=False))
            """
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(try ProcessRunner.check("python3", ["-c", script, file]).utf8))
                as? [[String]])
        #expect(rows.count == 6 && rows.allSatisfy { $0.count == rows[0].count })
        let surname = try #require(rows[0].firstIndex(of: "surname"))
        let phone = try #require(rows[0].firstIndex(of: "phone"))
        #expect(rows[1][surname] == Self.canary && rows[1][phone] == "'+380671234567")
    }

    @Test func exportWithAWrongOpeningKeyFailsNamingTheBatchAndBothFingerprints() async throws {
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let status = try await hq.withRoutes { try await HQFixture.put($0, try batch.archive(), sequence: 1).status }
        try #require(status == 201)

        var written = ""
        await #expect {
            _ = try await HQExport(folder: hq.folder, database: hq.database, openingKeys: [TestBatch.otherOpeningKey])
                .run(
                    .init(), format: .csv
                ) { written += $0 }
        } throws: { error in
            let text = "\(error)"
            return text.contains("DEMO01 batch 1") && text.contains(TestBatch.openingKey.publicKey.fingerprint)
                && text.contains(TestBatch.otherOpeningKey.publicKey.fingerprint) && text.contains("nothing exported")
        }
        #expect(written.isEmpty)
    }

    @Test func aSealedBatchWhoseRecordsDoNotMatchItsManifestIsNotExported() async throws {
        // Given a batch signed by the center whose manifest lists other references than its
        // sealed records hold: intake cannot see that (it does not open them) and accepts it
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let liar = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil, firstSerial: 7)
        var manifest = liar.manifest
        manifest.recordsSHA256 = batch.manifest.recordsSHA256
        let bytes = manifest.encoded()
        let archive = try batch.archive(manifest: bytes, signature: try hq.centerKey.signature(for: bytes))
        let status = try await hq.withRoutes { try await HQFixture.put($0, archive, sequence: 1).status }
        try #require(status == 201)

        // Then export opens it, finds the difference, and writes nothing
        await #expect {
            _ = try await export(.jsonl)
        } throws: { error in
            "\(error)".contains("does not verify") && "\(error)".contains("reference")
        }
    }

    static func holdsCanary(_ bytes: [UInt8]) -> Bool {
        contains(bytes, Array(canary.utf8))
            || contains(bytes, canary.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = 0
        while index <= bytes.count - needle.count {
            if bytes[index] == first, bytes[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
