import Foundation
import KioskTestSupport

/// One real `kiosk-hq serve` process on plain HTTP on a free loopback port; several share one
/// data folder (the keys) and one PostgreSQL database, as instances behind one address do.
final class HQInstance {
    static let executable = Products.executable(named: "kiosk-hq")

    let process: PipeProcess
    private(set) var port = 0

    /// Starts the server; with `wait`, returns once it listens (else call `waitForPort()`).
    init(dataDir: URL, database: String?, extra: [String] = [], wait: Bool = true) throws {
        var environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "KIOSK_HQ_LOG_LEVEL": "notice"]
        if let database { environment["KIOSK_HQ_DATABASE"] = database }
        process = try PipeProcess(
            executable: Self.executable,
            arguments: ["serve", "--data-dir", dataDir.path, "--listen", "127.0.0.1:0"] + extra,
            environment: environment)
        if wait { try waitForPort() }
    }

    /// Waits for "listening on http://127.0.0.1:PORT".
    func waitForPort() throws {
        let line = try process.expect("\n", timeout: .seconds(60))
        guard let range = line.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
            let port = Int(line[range].split(separator: ":").last ?? "")
        else { throw HarnessError.systemCall("kiosk-hq printed no port: \(line)", code: 0) }
        self.port = port
    }

    deinit {
        process.kill(signal: SIGKILL)
        _ = try? process.waitForExit(timeout: .seconds(10))
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// `kiosk-hq ARGUMENTS` (centers, keys, export) with the same database; status and outputs.
    static func run(_ arguments: [String], database: String?) throws -> (status: Int32, output: String, error: String) {
        var environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        if let database { environment["KIOSK_HQ_DATABASE"] = database }
        let process = try PipeProcess(executable: executable, arguments: arguments, environment: environment)
        process.closeInput()
        let status = try process.waitForExit(timeout: .seconds(60))
        return (status, process.output, process.errorOutput)
    }
}

/// `curl` (the stock client) uploading a tar, started at once; `finish()` waits for the answer.
final class CurlUpload {
    let process: PipeProcess
    let bodyFile: URL

    /// PUTs the file at `tar` to `base` as batch `sequence` of `center`; `extra` are more curl options.
    init(_ tar: URL, to base: String, center: String = "DEMO01", sequence: Int, extra: [String] = []) throws {
        bodyFile = tar.deletingLastPathComponent().appendingPathComponent("answer-\(UUID().uuidString)")
        process = try PipeProcess(
            executable: URL(fileURLWithPath: "/usr/bin/curl"),
            arguments: [
                "-sS", "-o", bodyFile.path, "-w", "%{http_code}", "-T", tar.path, "-H",
                "Content-Type: application/x-tar", "--max-time", "60",
            ] + extra + ["\(base)/v1/centers/\(center)/batches/\(sequence)"],
            environment: ["PATH": "/usr/bin:/bin"])
        process.closeInput()
    }

    /// The HTTP status (0 when the connection failed) and the answer's body.
    func finish() throws -> (status: Int, body: [UInt8]) {
        _ = try process.waitForExit(timeout: .seconds(90))
        let body = (try? Data(contentsOf: bodyFile)).map { [UInt8]($0) } ?? []
        try? FileManager.default.removeItem(at: bodyFile)
        return (Int(process.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, body)
    }
}
