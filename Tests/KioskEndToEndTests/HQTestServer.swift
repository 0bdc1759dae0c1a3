import Foundation
import KioskTestSupport

/// The real `kiosk-hq` executable serving HTTPS on a free port of 127.0.0.1, with its own data
/// folder, a receipt key, the center registered with the kiosk's public key, and a server
/// certificate from a CA made with the stock `openssl` CLI.
final class HQTestServer {
    static let executable = Products.executable(named: "kiosk-hq")

    let dataDir: URL
    let pki: TestPKI
    private(set) var process: PipeProcess?
    private(set) var port = 0

    /// Prepares headquarters for the kiosk whose public key is `centerKey`.
    init(root: URL, centerKey: URL) throws {
        dataDir = root.appendingPathComponent("hq-data")
        pki = try TestPKI(in: root, name: "hq")
        let keys = try Self.run(["keys", "init", "--data-dir", dataDir.path])
        guard keys.status == 0 else {
            throw HarnessError.systemCall("kiosk-hq keys init: \(keys.error)", code: keys.status)
        }
        let add = try Self.run(["centers", "add", "DEMO01", "--key", centerKey.path, "--data-dir", dataDir.path])
        guard add.status == 0 else {
            throw HarnessError.systemCall("kiosk-hq centers add: \(add.error)", code: add.status)
        }
    }

    deinit {
        stop()
    }

    var receiptKey: String { dataDir.appendingPathComponent("keys/receipt.pub.pem").path }
    /// Headquarters' sealing public key, to which the kiosk seals (`kiosk-hq keys init` makes it).
    var sealingKey: String { dataDir.appendingPathComponent("keys/sealing.pub.pem").path }
    var url: String { "https://127.0.0.1:\(port)" }
    var databasePath: String { dataDir.appendingPathComponent("hq.sqlite").path }

    /// Starts `kiosk-hq serve` and waits for the port it prints.
    func start() throws {
        let process = try PipeProcess(
            executable: Self.executable,
            arguments: [
                "serve", "--data-dir", dataDir.path, "--listen", "127.0.0.1:0", "--tls-cert", pki.serverCertificate,
                "--tls-key", pki.serverKey,
            ],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "KIOSK_HQ_LOG_LEVEL": "warning"])
        let line = try process.expect("\n", timeout: .seconds(30))
        guard let range = line.range(of: #"https://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
            let port = Int(line[range].split(separator: ":").last ?? "")
        else { throw HarnessError.systemCall("kiosk-hq printed no port: \(line)", code: 0) }
        self.port = port
        self.process = process
    }

    /// Stops the server with SIGTERM (a clean shutdown) and waits for it.
    func stop() {
        guard let process else { return }
        process.kill(signal: SIGTERM)
        _ = try? process.waitForExit(timeout: .seconds(20))
        self.process = nil
    }

    /// Counts rows in headquarters' database with the stock `sqlite3`.
    func count(_ table: String) throws -> Int {
        Int(try KioskFixture.tool("/usr/bin/sqlite3", [databasePath, "SELECT COUNT(*) FROM \(table)"])) ?? -1
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = try PipeProcess(
            executable: executable, arguments: arguments, environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        process.closeInput()
        let status = try process.waitForExit(timeout: .seconds(30))
        return (status, process.output, process.errorOutput)
    }
}
