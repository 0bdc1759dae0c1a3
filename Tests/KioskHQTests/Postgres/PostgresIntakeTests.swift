import Foundation
import KioskBatch
import KioskCrypto
import KioskReceipt
import KioskTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kiosk-hq --database` against a real PostgreSQL server (`KIOSK_HQ_TEST_POSTGRES`), with
/// several real `kiosk-hq serve` processes sharing it, driven with the stock `curl` and checked
/// with the stock `psql`. Serialized: one test stops and starts the server.
@Suite("kiosk-hq on PostgreSQL, several instances", .serialized, .enabled(if: PostgresTestServer.available))
struct PostgresIntakeTests {
    @Test func theSameBatchPutToTwoInstancesAtOnceIsStoredOnceOneAnswers201TheOther200WithTheSameReceipt()
        throws
    {
        let hq = try PostgresHQ()
        let (a, b) = (try hq.instance(), try hq.instance())
        var previous: TestBatch?
        for sequence in 1...12 {
            let batch = try TestBatch(key: hq.centerKey, sequence: sequence, previous: previous)
            let tar = try hq.file(batch)
            // Started together, both pass every check before either has stored the batch.
            let uploads = [
                try CurlUpload(tar, to: a.base, sequence: sequence),
                try CurlUpload(tar, to: b.base, sequence: sequence),
            ]
            let answers = try uploads.map { try $0.finish() }
            #expect(answers.map(\.status).sorted() == [200, 201], "batch \(sequence)")
            #expect(answers[0].body == answers[1].body, "batch \(sequence): the same receipt")
            let receipt = try SignedReceipt(wireBody: answers[0].body).verified(with: hq.receiptKey)
            #expect(receipt.sequence == sequence)
            #expect(receipt.manifestSHA256 == batch.manifestSHA256)
            previous = batch
        }
        #expect(try hq.database.count("batch") == 12)
        #expect(try hq.database.count("record") == 36)
        #expect(try hq.database.count("batch_archive") == 12)
        #expect(try hq.halfStoredBatches() == 0)
    }

    @Test func twoDifferentBatchesWithOneSequenceAtOnceOneWinsTheOtherGets409() throws {
        let hq = try PostgresHQ()
        let (a, b) = (try hq.instance(), try hq.instance())
        var previous: TestBatch?
        for sequence in 1...8 {
            let first = try TestBatch(key: hq.centerKey, sequence: sequence, previous: previous, answerSalt: "a")
            let second = try TestBatch(key: hq.centerKey, sequence: sequence, previous: previous, answerSalt: "b")
            let (firstTar, secondTar) = (try hq.file(first), try hq.file(second))
            let uploads = [
                try CurlUpload(firstTar, to: a.base, sequence: sequence),
                try CurlUpload(secondTar, to: b.base, sequence: sequence),
            ]
            let answers = try uploads.map { try $0.finish() }
            #expect(answers.map(\.status).sorted() == [201, 409], "batch \(sequence)")
            let winner = answers[0].status == 201 ? first : second
            let winnerTar = answers[0].status == 201 ? firstTar : secondTar
            // The stored bytes are the winner's, whole.
            let stored = try hq.database.value(
                "SELECT tar_sha256 FROM batch WHERE center = 'DEMO01' AND sequence = \(sequence)")
            #expect(stored == SHA256.hash([UInt8](try Data(contentsOf: winnerTar))).hex)
            previous = winner
        }
        #expect(try hq.database.count("batch") == 8)
        #expect(try hq.database.count("record") == 24)
        #expect(try hq.halfStoredBatches() == 0)
    }

    @Test func aGapIs409NamingTheExpectedBatchAndTheDatabaseItselfRefusesOne() throws {
        let hq = try PostgresHQ()
        let a = try hq.instance()
        let one = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let two = try TestBatch(key: hq.centerKey, sequence: 2, previous: one)
        let gap = try CurlUpload(try hq.file(two), to: a.base, sequence: 2).finish()
        #expect(gap.status == 409)
        let problem = try JSONSerialization.jsonObject(with: Data(gap.body)) as? [String: Any]
        #expect(problem?["expected_sequence"] as? Int == 1)
        #expect(try CurlUpload(try hq.file(one), to: a.base, sequence: 1).finish().status == 201)

        // A row written behind kiosk-hq's back with a gap is refused by the foreign key.
        #expect(throws: (any Error).self) {
            try hq.database.value(
                """
                INSERT INTO batch (center, sequence, manifest, signature, manifest_sha256, records_sha256, record_count,
                    tar_sha256, tar_size, file, received_at, receipt, receipt_signature)
                SELECT center, 3, manifest, signature, 'x', records_sha256, record_count, tar_sha256, tar_size, file,
                    received_at, receipt, receipt_signature FROM batch WHERE sequence = 1
                """)
        }
        #expect(try hq.database.count("batch") == 1)
    }

    @Test func anInstanceKilledMidIntakeLeavesNothingHalfStoredAndTheRetryOnTheOtherInstanceSucceeds() throws {
        let hq = try PostgresHQ()
        let b = try hq.instance()
        var previous: TestBatch?
        // Kills while the body streams in (slowed by curl) and while the batch is checked and stored.
        let kills: [(delay: Int, rate: String?)] = [
            (150, "400k"), (400, "400k"), (0, nil), (15, nil), (40, nil), (80, nil), (150, nil), (300, nil),
        ]
        for (index, kill) in kills.enumerated() {
            let sequence = index + 1
            let batch = try TestBatch(
                key: hq.centerKey, sequence: sequence, previous: previous, count: 2000,
                firstSerial: index * 2000 + 1)
            let tar = try hq.file(batch)
            let a = try hq.instance()
            let upload = try CurlUpload(
                tar, to: a.base, sequence: sequence, extra: kill.rate.map { ["--limit-rate", $0] } ?? [])
            usleep(UInt32(kill.delay * 1000))
            a.process.kill(signal: SIGKILL)
            _ = try a.process.waitForExit(timeout: .seconds(10))
            let first = try upload.finish()
            #expect(try hq.halfStoredBatches() == 0, "after the kill at \(kill.delay) ms")
            let stored = try hq.database.count("batch")
            #expect(stored == sequence - 1 || (stored == sequence && first.status == 201) || stored == sequence)
            // The kiosk's retry, on the instance still running.
            let retry = try CurlUpload(tar, to: b.base, sequence: sequence).finish()
            #expect(retry.status == (stored == sequence ? 200 : 201), "retry of batch \(sequence)")
            let receipt = try SignedReceipt(wireBody: retry.body).verified(with: hq.receiptKey)
            #expect(receipt.manifestSHA256 == batch.manifestSHA256)
            previous = batch
        }
        #expect(try hq.database.count("batch") == kills.count)
        #expect(try hq.database.count("record") == kills.count * 2000)
        #expect(try hq.halfStoredBatches() == 0)
        #expect(try hq.database.value("SELECT COUNT(*) FROM batch_archive") == String(kills.count))
        // Nothing the killed instances were receiving is left as if accepted.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: hq.dataDir.appendingPathComponent("batches").path)
                .isEmpty)
    }

    @Test(.enabled(if: PostgresTestServer.control != nil))
    func postgresRestartedUnderLoadIsAnswered503WithRetryAfterAndIntakeRecoversByItself() throws {
        let hq = try PostgresHQ()
        let a = try hq.instance()
        let one = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let two = try TestBatch(key: hq.centerKey, sequence: 2, previous: one)
        #expect(try CurlUpload(try hq.file(one), to: a.base, sequence: 1).finish().status == 201)

        try PostgresTestServer.pgctl("stop")
        var restarted = false
        defer { if !restarted { try? PostgresTestServer.pgctl("start") } }
        let headers = hq.root.appendingPathComponent("headers.txt")
        let down = try CurlUpload(try hq.file(two), to: a.base, sequence: 2, extra: ["-D", headers.path]).finish()
        #expect(down.status == 503)
        let problem = try JSONSerialization.jsonObject(with: Data(down.body)) as? [String: Any]
        #expect(problem?["error"] as? String == "unavailable")
        #expect(try String(contentsOf: headers, encoding: .utf8).lowercased().contains("retry-after:"))
        #expect(try CurlUpload(try hq.file(two), to: a.base, sequence: 2).finish().status == 503)

        try PostgresTestServer.pgctl("start")
        restarted = true
        // The same instance, not restarted, takes the batch once the database is back.
        var status = 0
        for _ in 0..<60 where status != 201 {
            status = try CurlUpload(try hq.file(two), to: a.base, sequence: 2).finish().status
            if status != 201 { usleep(500_000) }
        }
        #expect(status == 201)
        #expect(try hq.database.count("batch") == 2)
        #expect(try hq.halfStoredBatches() == 0)
    }

    @Test func instancesStartingTogetherOnAnEmptyDatabaseMigrateItOnce() throws {
        let hq = try PostgresHQ(registerCenter: false)
        let instances = try (0..<4).map { _ in try hq.instance(wait: false) }
        for instance in instances { try instance.waitForPort() }
        // Each step once: four instances, one row a step.
        #expect(
            try hq.database.value("SELECT string_agg(name, ',' ORDER BY name) FROM hq_migration")
                == "v1-intake,v2-audit-witness")
        for instance in instances {
            let health = try ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "\(instance.base)/health"])
            #expect(health.stdoutText.contains("ok"))
        }
        // And they all serve the center registered afterwards.
        try hq.register("DEMO01", key: hq.centerKey.publicKey)
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        #expect(try CurlUpload(try hq.file(batch), to: instances[3].base, sequence: 1).finish().status == 201)
    }

    @Test func metricsAreScrapedFromEachInstanceWithTheFleetFiguresFromTheDatabase() throws {
        let hq = try PostgresHQ()
        let (a, b) = (try hq.instance(), try hq.instance())
        let one = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil)
        let two = try TestBatch(key: hq.centerKey, sequence: 2, previous: one)
        let three = try TestBatch(key: hq.centerKey, sequence: 3, previous: two)
        #expect(try CurlUpload(try hq.file(one), to: a.base, sequence: 1).finish().status == 201)
        #expect(try CurlUpload(try hq.file(two), to: a.base, sequence: 2).finish().status == 201)
        #expect(try CurlUpload(try hq.file(three), to: b.base, sequence: 4).finish().status == 409)
        let conflicting = try TestBatch(key: hq.centerKey, sequence: 2, previous: one, answerSalt: "other")
        #expect(try CurlUpload(try hq.file(conflicting), to: b.base, sequence: 2).finish().status == 409)

        let scrapeA = try Self.scrape(a)
        let scrapeB = try Self.scrape(b)
        #expect(scrapeA["kiosk_hq_batches_accepted_total"] == 2)
        #expect(scrapeB["kiosk_hq_batches_accepted_total"] == 0)
        #expect(scrapeB[#"kiosk_hq_batches_refused_total{reason="wrong-sequence"}"#] == 1)
        #expect(scrapeB[#"kiosk_hq_batches_refused_total{reason="conflict"}"#] == 1)
        #expect(scrapeB["kiosk_hq_alarms_total"] == 1)
        #expect(scrapeA["kiosk_hq_alarms_total"] == 0)
        // Every metric the example alert rules use is one kiosk-hq exports.
        let rules = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../../deploy/kiosk-hq-alerts.yml"), encoding: .utf8)
        let used = Set(rules.matches(of: /kiosk_hq_[a-z_]+/).map { String($0.output) })
        #expect(used.count >= 3)
        let exported = Set(scrapeB.keys.map { String($0.prefix { $0 != "{" }) })
        #expect(used.subtracting(exported).isEmpty, "alert rules name metrics kiosk-hq does not export")
        // The stored figures are the same from every instance.
        for scrape in [scrapeA, scrapeB] {
            #expect(scrape["kiosk_hq_records_total"] == 6)
            let last = scrape[#"kiosk_hq_center_last_batch_timestamp_seconds{center="DEMO01"}"#] ?? 0
            #expect(abs(last - Date().timeIntervalSince1970) < 300)
        }
    }

    @Test func centersListAuditAndExportWorkTheSameOnPostgres() throws {
        let hq = try PostgresHQ()
        let a = try hq.instance()
        let (headA, headB) = (String(repeating: "a1", count: 32), String(repeating: "b2", count: 32))
        let one = try TestBatch(
            key: hq.centerKey, sequence: 1, previous: nil, audit: AuditWitness(length: 4, head: headA))
        let two = try TestBatch(
            key: hq.centerKey, sequence: 2, previous: one, audit: AuditWitness(length: 7, head: headB))
        #expect(try CurlUpload(try hq.file(one), to: a.base, sequence: 1).finish().status == 201)
        #expect(try CurlUpload(try hq.file(two), to: a.base, sequence: 2).finish().status == 201)
        // A third batch from a rewritten (shorter) log is refused by the database-backed witness.
        let rewound = try TestBatch(
            key: hq.centerKey, sequence: 3, previous: two, audit: AuditWitness(length: 6, head: headA))
        let refused = try CurlUpload(try hq.file(rewound), to: a.base, sequence: 3).finish()
        #expect(refused.status == 409)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("audit-rewound"))

        let audit = try hq.hq(["centers", "audit", "DEMO01"])
        #expect(audit.status == 0, "\(audit.error)")
        #expect(audit.output.contains("DEMO01 audit log at batch 2"))
        #expect(audit.output.contains("7 entries, head \(headB)"))
        #expect(audit.output.contains("kiosk audit verify --head \(headB)"))

        let list = try hq.hq(["centers", "list"])
        #expect(list.status == 0)
        #expect(list.output.contains("DEMO01") && list.output.contains("last batch 2"))
        #expect(list.output.contains("6 applications"))
        #expect(!list.output.contains("SILENT"))
        let silent = try hq.hq(["centers", "list", "--silent-after", "0"])
        #expect(silent.output.contains("SILENT for 0 h"))
        #expect(silent.error.contains("1 of 1 centers silent for 0 h or longer"))

        let opening = hq.root.appendingPathComponent("opening.key.pem")
        try Data(TestBatch.openingKey.pemRepresentation.utf8).write(to: opening)
        let export = try hq.hq(["export", "--opening-key", opening.path, "--format", "jsonl"])
        #expect(export.status == 0, "\(export.error)")
        let references = export.output.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["reference"] as? String
        }
        #expect(references == one.references + two.references)
        #expect(export.error.contains("exported 6 applications from 2 batches"))
    }

    /// `GET /metrics` with curl, as `name{labels}` → value.
    static func scrape(_ instance: HQInstance) throws -> [String: Double] {
        let text = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "\(instance.base)/metrics"])
            .stdoutText
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            values[String(line[..<space])] = value
        }
        return values
    }
}

/// In CI (`.ci/run` sets KIOSK_REQUIRE_POSTGRES) the PostgreSQL tests must run: a missing
/// server is a failure there, not a skip.
@Suite("PostgreSQL test server")
struct PostgresTestServerTests {
    static let required = ["KIOSK_REQUIRE_POSTGRES", "CI"].contains {
        !(ProcessInfo.processInfo.environment[$0] ?? "").isEmpty
    }

    @Test(.enabled(if: required))
    func ciGivesThePostgresTestsARealServer() throws {
        #expect(
            PostgresTestServer.available, "set KIOSK_HQ_TEST_POSTGRES: eval \"$(scripts/postgres-test-cluster start)\"")
        if PostgresTestServer.available {
            #expect(try PostgresTestServer.psql(PostgresTestServer.url!, "SELECT 1") == "1")
        }
    }
}
