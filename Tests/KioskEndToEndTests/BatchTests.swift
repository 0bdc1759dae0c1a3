import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kiosk batch create` and `kiosk batch verify`, checked with the stock tools and under kill -9.
@Suite("kiosk batch")
struct BatchTests {
    /// Creates the database and stores `count` applications approved through the store's own
    /// review API (with history and audit entries), each with the surname "Surname N".
    static func approvedApplications(_ count: Int, in fixture: KioskFixture) throws {
        #expect(try fixture.run(["status"]).status == 0)
        try Seed.approvedApplications(count, in: AppDatabase.open(at: fixture.databasePath))
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application WHERE state = 'approved'") == "\(count)")
    }

    static func shell(_ command: String, in folder: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func nothingApprovedSaysSoAndExitsZero() throws {
        let fixture = try KioskFixture()
        let run = try fixture.run(["batch", "create"])
        #expect(run.status == 0)
        #expect(run.output.contains("nothing to batch"))
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM batch") == "0")
    }

    @Test func aBatchVerifiesWithTheReadmeStockCommands() throws {
        // Given a batch made by the kiosk from 25 approved applications, sealed to headquarters' key
        let fixture = try KioskFixture()
        let sealing = try TestSealingKey()
        fixture.sealing = sealing
        try Self.approvedApplications(25, in: fixture)
        let created = try fixture.run(["batch", "create"])
        #expect(created.status == 0, "\(created.error)")
        let tar = fixture.dataDir.appendingPathComponent("outbox/DEMO01-00000001.tar")

        // Then no surname is left in clear anywhere in the data folder: database, WAL, shared
        // memory, outbox
        let clear = try Self.shell("grep -a -r -l -e 'Surname' . || true", in: fixture.dataDir)
        #expect(clear.output.isEmpty, "in clear: \(clear.output)")
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application WHERE answers IS NOT NULL") == "0")

        // And pyhpke, an independent HPKE implementation, opens the records with headquarters'
        // opening key, following the README's layout
        let lines = try sealing.openWithPyHPKE(tar.path)
        let records = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(records.count == 25)
        #expect(
            records.compactMap { ($0["answers"] as? [String: Any])?["surname"] as? String }
                == (1...25).map { "Surname \($0)" })

        let work = fixture.dataDir.appendingPathComponent("check")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: fixture.dataDir.appendingPathComponent("keys/center.pub.pem"),
            to: work.appendingPathComponent("center.pub.pem"))

        // When it is checked with tar, openssl and sha256sum exactly as the README says
        let extract = try Self.shell("tar -xf '\(tar.path)' && ls", in: work)
        let verify = try Self.shell(
            "openssl pkeyutl -verify -pubin -inkey center.pub.pem -rawin -in manifest.json -sigfile manifest.sig",
            in: work)
        let digest = try Self.shell("sha256sum records.sealed | cut -d' ' -f1", in: work)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent("manifest.json")))
                as? [String: Any])

        // Then all agree, and the kiosk's own verify says OK
        #expect(extract.status == 0 && extract.output.contains("manifest.sig"))
        #expect(verify.status == 0 && verify.output.contains("Signature Verified Successfully"))
        #expect(digest.output.trimmingCharacters(in: .whitespacesAndNewlines) == manifest["records_sha256"] as? String)
        #expect(manifest["count"] as? Int == 25 && manifest["sequence"] as? Int == 1)
        #expect(manifest["format"] as? String == "kiosk-batch/2")
        #expect(manifest["sealing_key_fingerprint"] as? String == (try sealing.fingerprint))
        #expect(manifest["references"] as? [String] == records.compactMap { $0["reference"] as? String })
        #expect((try fixture.run(["batch", "verify", tar.path])).status == 0)

        // And a changed record, a changed manifest and a wrong key each fail
        _ = try Self.shell(
            "printf 'x' | dd of=records.sealed bs=1 seek=100 conv=notrunc 2>/dev/null", in: work)
        let changedDigest = try Self.shell("sha256sum records.sealed | cut -d' ' -f1", in: work)
        #expect(
            changedDigest.output.trimmingCharacters(in: .whitespacesAndNewlines) != manifest["records_sha256"]
                as? String)
        _ = try Self.shell("sed -i 's/\"count\":25/\"count\":24/' manifest.json", in: work)
        let changedManifest = try Self.shell(
            "openssl pkeyutl -verify -pubin -inkey center.pub.pem -rawin -in manifest.json -sigfile manifest.sig",
            in: work)
        #expect(changedManifest.status != 0)
        _ = try Self.shell("tar -xf '\(tar.path)' manifest.json", in: work)
        _ = try Self.shell("openssl genpkey -algorithm ed25519 | openssl pkey -pubout -out other.pub.pem", in: work)
        let wrongKey = try Self.shell(
            "openssl pkeyutl -verify -pubin -inkey other.pub.pem -rawin -in manifest.json -sigfile manifest.sig",
            in: work)
        #expect(wrongKey.status != 0)
        let kioskWrongKey = try fixture.run([
            "batch", "verify", tar.path, "--key", work.appendingPathComponent("other.pub.pem").path,
        ])
        #expect(kioskWrongKey.status != 0)
        #expect(kioskWrongKey.error.contains("signature") || kioskWrongKey.error.contains("key"))
    }

    @Test func killingBatchCreationNeverLosesOrDuplicatesAnApplication() throws {
        // Given 3,000 approved applications
        let fixture = try KioskFixture()
        let sealing = try TestSealingKey()
        fixture.sealing = sealing
        try Self.approvedApplications(3000, in: fixture)

        // When `kiosk batch create --limit 400` is killed with SIGKILL at random moments, again and again
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<12 {
            let process = try fixture.pipe(["batch", "create", "--limit", "400"])
            process.closeInput()
            usleep(UInt32.random(in: 0..<250_000, using: &generator))
            process.kill(signal: SIGKILL)
            _ = try process.waitForExit(timeout: .seconds(30))

            // Then after every kill, each application is approved (with its answers), or batched in
            // exactly one batch (without them)
            #expect(try fixture.sqlite("PRAGMA integrity_check") == "ok")
            #expect(
                try fixture.sqlite(
                    """
                    SELECT COUNT(*) FROM application
                    WHERE (state = 'batched') != (batch_sequence IS NOT NULL) OR state NOT IN ('approved', 'batched')
                        OR (state = 'batched') != (answers IS NULL)
                    """) == "0")
        }
        // And rerunning completes the work: every batch's file exists and the chain verifies
        while try fixture.run(["batch", "create", "--limit", "400"]).output.contains("created") {}
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application WHERE state = 'batched'") == "3000")
        let sequences = try fixture.sqlite(
            "SELECT group_concat(sequence) FROM (SELECT sequence FROM batch ORDER BY sequence)"
        )
        .split(separator: ",").compactMap { Int($0) }
        #expect(sequences == Array(1...sequences.count))
        var references: [String] = []
        var previous: String?
        for sequence in sequences {
            let file = fixture.dataDir.appendingPathComponent("outbox/DEMO01-\(String(format: "%08d", sequence)).tar")
                .path
            let verify = try fixture.run(["batch", "verify", file] + (previous.map { ["--previous", $0] } ?? []))
            #expect(verify.status == 0, "\(verify.error)")
            references += try sealing.openWithPyHPKE(file).map { line in
                let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return try #require(record?["reference"] as? String, "a record without a reference in \(file)")
            }
            previous = file
        }
        #expect(references.count == 3000)
        #expect(Set(references).count == 3000)
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: fixture.dataDir.appendingPathComponent("outbox").path
        ).filter { $0.hasSuffix(".partial") || $0.hasSuffix(".sealed") }
        #expect(leftovers.isEmpty)
        // And no batched application kept its answers, after any of the kills
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application WHERE answers IS NOT NULL") == "0")
    }
}
