import ArgumentParser
import Foundation
import KioskHQ
import Logging

/// `kiosk-hq serve`: the HTTPS intake server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Receive batches: PUT /v1/centers/{code}/batches/{sequence}, GET /v1/centers/{code}/status, GET /health.",
        discussion: """
            Prints "listening on URL" once the socket is bound (with port 0, the port the system \
            chose). Stops cleanly on SIGTERM or SIGINT. Plain HTTP (no --tls-cert) is refused \
            unless HOST is a loopback address. Only sealed batches (kiosk-batch/2) are taken, their \
            records sealed to DATA/keys/sealing.pub.pem or to a retired DATA/keys/sealing-*.pub.pem; \
            they are stored sealed. The server never reads the opening key: keep it off this machine.
            """)

    @OptionGroup var data: HQDataOptions

    @Option(help: ArgumentHelp("Address and port to listen on; port 0 picks a free port.", valueName: "host:port"))
    var listen = "127.0.0.1:8443"

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("The server certificate chain (PEM).", valueName: "pem"))
    var tlsCert: String?

    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp("The server certificate's private key (PEM).", valueName: "pem"))
    var tlsKey: String?

    @Option(
        name: .customLong("client-ca"),
        help: ArgumentHelp("Require client certificates issued by this CA (PEM).", valueName: "pem"))
    var clientCA: String?

    @Option(name: .customLong("max-batch-mb"), help: "The largest batch accepted, in MiB; bigger bodies get 413.")
    var maxBatchMB = 256

    @Option(
        name: .customLong("body-timeout"),
        help: "Seconds from a request's arrival to the last byte of its body; a slower upload is cut off.")
    var bodyTimeout: Int64 = 600

    @Option(name: .customLong("max-uploads"), help: "Uploads received at once, all centers; more get 503.")
    var maxUploads = 32

    @Option(name: .customLong("max-uploads-per-center"), help: "Uploads of one center received at once; more get 503.")
    var maxUploadsPerCenter = 2

    @Option(
        name: .customLong("max-incoming-mb"),
        help: "MiB that uploads in progress may take in incoming/ together; beyond it they get 503.")
    var maxIncomingMB = 4096

    func validate() throws {
        guard (1...86_400).contains(bodyTimeout) else {
            throw ValidationError("--body-timeout must be between 1 and 86400 seconds")
        }
        guard (1...10_000).contains(maxUploads), (1...maxUploads).contains(maxUploadsPerCenter) else {
            throw ValidationError(
                "--max-uploads must be between 1 and 10000, --max-uploads-per-center between 1 and --max-uploads")
        }
        guard (maxBatchMB...(1 << 24)).contains(maxIncomingMB) else {
            throw ValidationError("--max-incoming-mb must be at least --max-batch-mb (\(maxBatchMB))")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("give both --tls-cert and --tls-key, or neither")
        }
        guard clientCA == nil || tlsCert != nil else {
            throw ValidationError("--client-ca needs --tls-cert and --tls-key")
        }
        guard (1...65_536).contains(maxBatchMB) else {
            throw ValidationError("--max-batch-mb must be between 1 and 65536")
        }
        _ = try Self.split(listen)
    }

    func run() async throws {
        let logger = HQLogging.bootstrap()
        let folder = try data.folder()
        folder.removeAbandonedUploads()
        try await data.withStore(folder, logger: logger) { store in
            try await serve(folder: folder, store: store, logger: logger)
        }
    }

    private func serve(folder: HQFolder, store: any HQStore, logger: Logger) async throws {
        // Public keys only: the opening key stays off the intake server (it may be absent here).
        let intake = Intake(
            folder: folder, store: store, receiptKey: try folder.loadReceiptKey(),
            sealingKeys: try folder.loadSealingKeys(), maxBatchBytes: maxBatchMB << 20, logger: logger)
        let (host, port) = try Self.split(listen)
        let tls = tlsCert.flatMap { cert in tlsKey.map { (certificate: cert, key: $0) } }
        var uploads = UploadLimits()
        uploads.bodySeconds = bodyTimeout
        uploads.total = maxUploads
        uploads.perCenter = maxUploadsPerCenter
        uploads.incomingBytes = maxIncomingMB << 20
        let server = HQServer(
            intake: intake, settings: .init(host: host, port: port, tls: tls, clientCA: clientCA, uploads: uploads),
            logger: logger)
        let scheme = tls == nil ? "http" : "https"
        let shown = host.contains(":") ? "[\(host)]" : host
        let app = try server.application { port in
            FileHandle.standardOutput.write(Data("kiosk-hq listening on \(scheme)://\(shown):\(port)\n".utf8))
        }
        try await app.runService()
    }

    /// `host:port`, `[v6]:port`.
    static func split(_ listen: String) throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            throw ValidationError("--listen must be HOST:PORT, such as 127.0.0.1:8443 or 0.0.0.0:443")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen needs a host, such as 127.0.0.1:8443") }
        return (host, port)
    }
}
