import Foundation
import KioskStore
import KioskTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `kiosk` uploading to the built `kiosk-hq` over HTTPS on a free port, as an
/// operator runs them: applications typed through a pipe, approved in SQL (the review console
/// is another issue), `kiosk upload`, and the stock `sqlite3` to look at both databases.
@Suite("kiosk upload to kiosk-hq (built executables)", .serialized)
final class UploadEndToEndTests {
    let fixture: KioskFixture
    let hq: HQTestServer

    init() throws {
        fixture = try KioskFixture()
        _ = try fixture.run(["status"])  // creates the data folder and the demo center's key
        hq = try HQTestServer(
            root: fixture.dataDir, centerKey: fixture.dataDir.appendingPathComponent("keys/center.pub.pem"))
        // The kiosk seals to this headquarters' key (as an operator sets hq_sealing_key).
        let config = fixture.dataDir.appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any] ?? [:]
        object["hq_sealing_key"] = hq.sealingKey
        try JSONSerialization.data(withJSONObject: object).write(to: config)
    }

    /// Types `count` applications at the kiosk and approves them.
    func storeApproved(_ count: Int) throws {
        for _ in 0..<count {
            let run = try fixture.run(
                ["attend", "--once"], input: AttendPipeTests.script.joined(separator: "\n") + "\n")
            #expect(run.status == 0)
        }
        try Seed.approveAllSubmitted(in: AppDatabase.open(at: fixture.databasePath))
    }

    func upload(_ url: String? = nil, _ extra: [String] = []) throws -> (status: Int32, output: String, error: String) {
        try fixture.run(
            [
                "upload", "--hq", url ?? hq.url, "--hq-ca", hq.pki.caCertificate, "--hq-key", hq.receiptKey,
                "--hq-seal-key", hq.sealingKey, "--backoff", "0.05",
            ]
                + extra)
    }

    @Test func aNewcomerUploadsToKioskHQOverHTTPSAndStatusShowsIt() throws {
        // Given two approved applications and headquarters running
        try storeApproved(2)
        try hq.start()

        // When the kiosk uploads
        let run = try upload()

        // Then exit 0, one line for the sealed batch and one for the delivery
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("sealed batch 1: 2 applications"))
        #expect(run.output.contains("delivered batch 1: 2 applications"))
        #expect(run.output.contains("all delivered: 1 batch (2 applications)"))
        #expect(try fixture.sqlite("SELECT state, COUNT(*) FROM application GROUP BY state") == "delivered|2")
        #expect(try fixture.sqlite("SELECT length(receipt) > 0, length(receipt_signature) FROM batch") == "1|64")
        #expect(try hq.count("record") == 2)
        let list = try HQTestServer.run(["centers", "list", "--data-dir", hq.dataDir.path])
        #expect(list.output.contains("DEMO01") && list.output.contains("last batch 1"))
        // And status reports an empty outbox and the last success
        let status = try fixture.run(["status", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        let upload = try #require(json["upload"] as? [String: Any])
        #expect(upload["outbox_batches"] as? Int == 0)
        #expect(upload["last_success_at"] is String)
        #expect(upload["last_error"] is NSNull)
        #expect(try fixture.run(["status"]).output.contains("last upload:"))
    }

    @Test func headquartersDownThenUpExit75ThenEverythingArrivesOnce() throws {
        try storeApproved(2)
        // Nothing listens on the port yet
        try hq.start()
        let port = hq.port
        hq.stop()
        let down = try upload("https://127.0.0.1:\(port)", ["--attempts", "2"])
        #expect(down.status == 75)
        #expect(down.error.contains("upload failed (unreachable)"))
        let status = try fixture.run(["status", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        #expect((json["upload"] as? [String: Any])?["outbox_batches"] as? Int == 1)
        #expect(((json["upload"] as? [String: Any])?["last_error"] as? String)?.contains("cannot connect") == true)

        try hq.start()
        let up = try upload()
        #expect(up.status == 0, "\(up.error)")
        #expect(try hq.count("record") == 2)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application WHERE state = 'delivered'") == "2")
    }

    @Test func killedAfterHeadquartersStoredTheBatchTheRerunGetsTheOriginalReceipt() throws {
        // Given headquarters behind a relay that never passes its answer on
        try storeApproved(3)
        try hq.start()
        let relay = try UploadFaultProxy(to: hq.port, mode: .holdAnswersAfterUpload(bytes: 2500))
        let kiosk = try fixture.pipe(
            [
                "upload", "--hq", "https://127.0.0.1:\(relay.port)", "--hq-ca", hq.pki.caCertificate, "--hq-key",
                hq.receiptKey,
                "--read-timeout", "120",
            ])
        kiosk.closeInput()

        // When headquarters has stored the batch, the kiosk is killed before it saw the receipt
        let deadline = Date().addingTimeInterval(30)
        while try hq.count("batch") < 1, Date() < deadline { usleep(50_000) }
        #expect(try hq.count("batch") == 1)
        kiosk.kill(signal: SIGKILL)
        #expect(try kiosk.waitForExit(timeout: .seconds(10)) == 128 + SIGKILL)
        relay.stop()
        #expect(try fixture.sqlite("SELECT state, COUNT(*) FROM application GROUP BY state") == "batched|3")
        #expect(try fixture.sqlite("SELECT delivered_at IS NULL FROM batch") == "1")

        // Then the rerun gets headquarters' original receipt and nothing is duplicated
        let rerun = try upload()
        #expect(rerun.status == 0, "\(rerun.error)")
        #expect(rerun.output.contains("headquarters already had it"))
        #expect(try hq.count("batch") == 1)
        #expect(try hq.count("record") == 3)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application WHERE state = 'delivered'") == "3")
        let original = try KioskFixture.tool("/usr/bin/sqlite3", [hq.databasePath, "SELECT hex(receipt) FROM batch"])
        #expect(try fixture.sqlite("SELECT hex(receipt) FROM batch") == original)
    }

    @Test func aConnectionCutInTheMiddleOfTheBodyLeavesNothingAndTheRetryDelivers() throws {
        // Given a relay that cuts the connection after 3000 bytes of the upload (inside the body)
        try storeApproved(3)
        try hq.start()
        let relay = try UploadFaultProxy(to: hq.port, mode: .cutUploadAfter(bytes: 3000))
        let cut = try upload("https://127.0.0.1:\(relay.port)", ["--attempts", "1"])
        relay.stop()

        // Then exit 75 with one line saying the connection broke; headquarters kept nothing
        #expect(cut.status == 75)
        #expect(
            cut.error.contains("upload failed (connectionLost)") || cut.error.contains("upload failed (unreachable)"))
        #expect(try hq.count("batch") == 0)
        #expect(try hq.count("record") == 0)
        let incoming = try FileManager.default.contentsOfDirectory(
            atPath: hq.dataDir.appendingPathComponent("incoming").path)
        #expect(incoming.isEmpty)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application WHERE state = 'batched'") == "3")

        // And the next run delivers
        let retry = try upload()
        #expect(retry.status == 0, "\(retry.error)")
        #expect(try hq.count("record") == 3)
    }

    @Test func aServerCertificateFromAnotherCAIsRefusedWithExit1() throws {
        try storeApproved(1)
        try hq.start()
        let other = try TestPKI(in: fixture.dataDir, name: "other")
        let run = try fixture.run([
            "upload", "--hq", hq.url, "--hq-ca", other.caCertificate, "--hq-key", hq.receiptKey, "--hq-seal-key",
            hq.sealingKey,
        ])
        #expect(run.status == 1)
        #expect(run.error.contains("upload failed (tls)"))
        #expect(try hq.count("batch") == 0)
        // The application was sealed before the connection failed: its batch waits in the outbox.
        #expect(try fixture.sqlite("SELECT state FROM application") == "batched")
        #expect(
            FileManager.default.fileExists(
                atPath: fixture.dataDir.appendingPathComponent("outbox/DEMO01-00000001.tar").path))
    }

    @Test func plainHTTPToAnotherHostIsRefusedInTheConfiguration() throws {
        let config = fixture.dataDir.appendingPathComponent("config.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        object["hq_url"] = "http://hq.example.org:8080"
        try JSONSerialization.data(withJSONObject: object).write(to: config)
        let run = try fixture.run(["status"])
        #expect(run.status != 0)
        #expect(run.error.contains("hq_url"))
    }
}
