import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KioskReceipt
import KioskSupport
import Logging
import NIOCore
import NIOHTTPTypes
import NIOPosix
import NIOSSL

/// The intake's HTTP side: the routes and the server (HTTPS with a certificate, or plain HTTP
/// on loopback only).
///
/// `PUT /v1/centers/{center}/batches/{sequence}` streams the tar to `incoming/` (never into
/// memory), then `Intake` checks and stores it on a thread pool; `GET
/// /v1/centers/{center}/status`, `GET /v1/centers/{center}/catalog` (the newest signed unit
/// catalog for the center) and `GET /health` answer at once.
public struct HQServer: Sendable {
    /// Where the server listens and how it protects the connection.
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// PEM files of the server certificate (chain) and its private key; nil for plain HTTP.
        public var tls: (certificate: String, key: String)?
        /// A CA (PEM) that client certificates must chain to; when set, a client without one is refused.
        public var clientCA: String?
        /// Seconds a connection may stay silent before it is closed.
        public var idleTimeoutSeconds: Int64
        /// Deadline, concurrency and disk bounds of uploads in progress.
        public var uploads: UploadLimits

        public init(
            host: String, port: Int, tls: (certificate: String, key: String)?, clientCA: String? = nil,
            idleTimeoutSeconds: Int64 = 60, uploads: UploadLimits = .init()
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            self.clientCA = clientCA
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.uploads = uploads
        }
    }

    public let intake: Intake
    public let settings: Settings
    public let metrics: HQMetrics
    let gate: UploadGate
    let logger: Logger

    public init(intake: Intake, settings: Settings, logger: Logger, metrics: HQMetrics = HQMetrics()) {
        self.intake = intake
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
        gate = UploadGate(limits: settings.uploads)
    }

    /// The application, ready to run; `onRunning` receives the bound port (useful with port 0).
    public func application(
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws
        -> some ApplicationProtocol
    {
        let settings = settings
        return Application(
            router: router(),
            server: try Self.serverBuilder(settings),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "kiosk-hq"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }

    /// HTTP/1.1 over TLS with the configured certificate, or plain HTTP on a loopback address only.
    public static func serverBuilder(_ settings: Settings) throws -> HTTPServerBuilder {
        let http = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(settings.idleTimeoutSeconds)))
        guard let tls = settings.tls else {
            guard Loopback.isLoopback(settings.host) else {
                throw HQError(
                    "plain HTTP is only served on a loopback address; give --tls-cert and --tls-key to listen on \(settings.host)"
                )
            }
            return http
        }
        return try .tls(
            http, tlsConfiguration: try tlsConfiguration(settings, certificate: tls.certificate, key: tls.key))
    }

    /// The TLS settings: this certificate and key; client certificates required when a client CA is set.
    static func tlsConfiguration(_ settings: Settings, certificate: String, key: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let privateKey: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw HQError("cannot load the TLS certificate \(certificate) or key \(key): \(error)")
        }
        guard !chain.isEmpty else { throw HQError("\(certificate) holds no certificate") }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA = settings.clientCA {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(clientCA)
        }
        return configuration
    }

    // MARK: - Routes

    func router() -> Router<IntakeRequestContext> {
        let router = Router(context: IntakeRequestContext.self)
        let intake = intake
        let gate = gate
        let metrics = metrics
        router.get("/health") { _, _ in
            Self.json(.ok, Array(#"{"status":"ok"}"#.utf8) + [0x0A])
        }
        router.get("/metrics") { _, context in
            do {
                let text = try await metrics.render(store: intake.store)
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
            } catch {
                context.logger.error("cannot read the store for /metrics: \(error)")
                return Self.problem(IntakeError(.unavailable, "the figures cannot be read from the store now"))
            }
        }
        router.get("/v1/centers/:center/status") { _, context in
            do {
                let center = try await intake.registeredCenter(context.parameters.get("center") ?? "")
                let last = try await intake.read { try await intake.store.lastBatch(center: center.code) }
                let status = CenterStatus(
                    center: center.code, lastSequence: last?.sequence ?? 0, lastManifestSHA256: last?.manifestSHA256,
                    lastReceivedAt: last?.receivedAt)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                return Self.json(.ok, Array(try encoder.encode(status)) + [0x0A])
            } catch let error as IntakeError {
                return Self.problem(error)
            }
        }
        router.get("/v1/centers/:center/catalog") { _, context in
            do {
                let center = try await intake.registeredCenter(context.parameters.get("center") ?? "")
                let current: (SignedCatalog, CatalogStatement)?
                do {
                    current = try intake.folder.currentCatalog(for: center.code)
                } catch {
                    context.logger.error("\(error)")
                    throw IntakeError(.storage, "cannot read the published catalogs")
                }
                guard let signed = current?.0 else {
                    throw IntakeError(
                        .noCatalog,
                        "no unit catalog is published for center \(center.code); the kiosk keeps the one it has")
                }
                return Self.json(.ok, signed.wireBody())
            } catch let error as IntakeError {
                return Self.problem(error)
            }
        }
        router.put("/v1/centers/:center/batches/:sequence") { request, context in
            do {
                let response = try await Self.receive(request, context: context, intake: intake, gate: gate)
                if response.status == .created { metrics.countAccepted() }
                return response
            } catch let early as EarlyRefusal {
                metrics.countRefused(early.error)
                context.logger.notice("\(early.error.message) (refused before the body was sent)")
                return try await Self.answerAndClose(
                    early.error, retryAfterSeconds: gate.limits.retryAfterSeconds, context: context)
            } catch let error as IntakeError {
                metrics.countRefused(error)
                if error.status >= 500 && error.code != .busy {
                    context.logger.error("\(error.message)")
                } else {
                    context.logger.notice("\(error.message)")
                }
                return Self.problem(error, retryAfterSeconds: gate.limits.retryAfterSeconds)
            }
        }
        return router
    }

    /// Receives one batch upload: checks what the request line and headers allow, takes a place
    /// among the uploads in progress, streams the body to a file before the deadline, then checks
    /// and stores it away from the event loops.
    static func receive(
        _ request: Request, context: IntakeRequestContext, intake: Intake, gate: UploadGate
    ) async throws -> Response {
        let deadline = UploadDeadline(channel: context.channel, seconds: gate.limits.bodySeconds)
        defer { deadline.cancel() }
        var chunks = request.body.makeAsyncIterator()
        var pass: UploadPass?
        let body: ReceivedBody
        let center: CenterRecord
        let sequence: Int
        // A client that sent `Expect: 100-continue` waits for "100 Continue" before the body.
        var awaitingContinue = expectsContinue(request)
        do {
            (center, sequence) = try await checkRequestLine(request, context: context, intake: intake)
            let declared = request.headers[.contentLength].flatMap { Int($0) } ?? 0
            let admitted = try gate.admit(center: center.code, declaredBytes: declared)
            pass = admitted
            let file = try IncomingFile(in: intake.folder.incomingURL, limit: intake.maxBatchBytes, pass: admitted)
            if awaitingContinue {
                // The cheap checks passed (known center, declared size, a place); a sequence past the
                // next one is refused before the body is sent. An accepted one may be a resend (200).
                try await checkNotAhead(center: center.code, sequence: sequence, intake: intake)
                try await context.channel.writeAndFlush(HTTPResponsePart.head(HTTPResponse(status: .continue)))
                awaitingContinue = false
            }
            while let chunk = try await chunks.next() {
                try file.append(chunk)
            }
            guard !deadline.hasFired else { throw timeout(gate) }
            body = file.finish()
        } catch {
            pass?.release()
            // Refused before "100 Continue": the final answer goes at once and the client sends
            // no body (RFC 9110, 10.1.1); the connection closes after it, as the client may
            // still send one.
            if awaitingContinue, let refusal = error as? IntakeError {
                throw EarlyRefusal(error: refusal)
            }
            // The rest of the body is read and dropped (within the same deadline), so that a
            // client still sending receives the refusal and the connection stays usable.
            if !deadline.hasFired {
                do { while try await chunks.next() != nil {} } catch {}
            }
            if deadline.hasFired { throw timeout(gate) }
            throw error
        }
        deadline.cancel()
        defer { pass?.release() }
        let outcome = try await intake.process(body, center: center, sequence: sequence)
        switch outcome {
        case .accepted(let receipt): return json(.created, receipt.wireBody())
        case .alreadyReceived(let receipt): return json(.ok, receipt.wireBody())
        }
    }

    /// Writes `response` with `Connection: close` straight to the channel, then closes it once
    /// it is on the wire: the body the client held back is never read (RFC 9110, 10.1.1).
    /// Hummingbird's own write of the returned response then finds the channel closed.
    static func answerAndClose(
        _ error: IntakeError, retryAfterSeconds: Int, context: IntakeRequestContext
    ) async throws -> Response {
        let response = problem(error, retryAfterSeconds: retryAfterSeconds)
        let body = ByteBuffer(bytes: error.problem.wireBody())
        var head = response.head
        head.headerFields[.connection] = "close"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.server] = "kiosk-hq"
        let channel = context.channel
        channel.write(HTTPResponsePart.head(head), promise: nil)
        channel.write(HTTPResponsePart.body(body), promise: nil)
        try await channel.writeAndFlush(HTTPResponsePart.end(nil))
        try? await channel.close()
        return response
    }

    /// Whether the request asks for "100 Continue" before it sends its body.
    static func expectsContinue(_ request: Request) -> Bool {
        request.headers[.expect]?.lowercased().contains("100-continue") ?? false
    }

    /// Refuses a sequence beyond the next one (a gap) without reading the body.
    private static func checkNotAhead(center: String, sequence: Int, intake: Intake) async throws(IntakeError) {
        let expected = (try await intake.read { try await intake.store.lastBatch(center: center) }?.sequence ?? 0) + 1
        guard sequence <= expected else {
            throw IntakeError.outOfOrder(center: center, sequence: sequence, expected: expected)
        }
    }

    /// The center and sequence of an upload, checked with its headers before any body is read.
    private static func checkRequestLine(
        _ request: Request, context: IntakeRequestContext, intake: Intake
    ) async throws(IntakeError) -> (CenterRecord, Int) {
        let sequence = try IntakeChecks.sequence(inPath: context.parameters.get("sequence"))
        let center = try await intake.registeredCenter(context.parameters.get("center") ?? "")
        if let type = request.headers[.contentType]?.lowercased(),
            !type.hasPrefix(IntakeProtocol.batchContentType), !type.hasPrefix("application/octet-stream")
        {
            throw IntakeError(
                .unsupportedMediaType, "a batch is sent as \(IntakeProtocol.batchContentType), not \(type.prefix(60))")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > intake.maxBatchBytes {
            throw IntakeError(
                .tooLarge, "the batch is \(length) bytes, over the limit of \(intake.maxBatchBytes) bytes")
        }
        return (center, sequence)
    }

    private static func timeout(_ gate: UploadGate) -> IntakeError {
        IntakeError(
            .timeout, "the batch did not arrive within \(gate.limits.bodySeconds) seconds; the connection is closed")
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func problem(_ error: IntakeError, retryAfterSeconds: Int = UploadLimits().retryAfterSeconds) -> Response {
        var response = json(HTTPResponse.Status(code: error.status), error.problem.wireBody())
        if error.code == .busy || error.code == .unavailable {
            response.headers[.retryAfter] = String(retryAfterSeconds)
        }
        return response
    }
}

/// A refusal of an upload that waits for "100 Continue": answered at once, body unread.
struct EarlyRefusal: Error {
    let error: IntakeError
}
