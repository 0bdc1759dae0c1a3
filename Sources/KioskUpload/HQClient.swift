import AsyncHTTPClient
import Foundation
import KioskReceipt
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// The HTTPS connection to headquarters: trusts only the pinned CA, presents the client
/// certificate if configured, follows no redirects, and sorts every failure into an `UploadFailure`.
final class HQClient: Sendable {
    private let client: HTTPClient
    private let settings: UploadSettings

    init(settings: UploadSettings) throws(UploadFailure) {
        self.settings = settings
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try Self.tlsConfiguration(settings),
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(settings.connectTimeout.nanoseconds),
                read: .nanoseconds(settings.readTimeout.nanoseconds),
                write: .nanoseconds(settings.readTimeout.nanoseconds)),
            decompression: .disabled)
        // Retries are the uploader's (with backoff and one line per failure), not the pool's.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// TLS that trusts the configured CA and nothing else (not the system store).
    static func tlsConfiguration(_ settings: UploadSettings) throws(UploadFailure) -> TLSConfiguration? {
        guard let caPath = settings.caCertificate else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        do {
            let roots = try NIOSSLCertificate.fromPEMFile(caPath)
            guard !roots.isEmpty else { throw UploadFailure(.local, "\(caPath) holds no certificate") }
            tls.trustRoots = .certificates(roots)
        } catch let error as UploadFailure {
            throw error
        } catch {
            throw UploadFailure(.local, "cannot read the headquarters CA certificate \(caPath): \(error)")
        }
        if let client = settings.clientCertificate {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(client.certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: client.key, format: .pem))
            } catch {
                throw UploadFailure(
                    .local, "cannot read the client certificate \(client.certificate) or key \(client.key): \(error)")
            }
        }
        return tls
    }

    /// PUTs the batch file and returns headquarters' status code and (small) answer body.
    func putBatch(
        file: String, size: Int, center: String, sequence: Int, deadline: Duration,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws(UploadFailure) -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: settings.url(IntakeProtocol.batchPath(center: center, sequence: sequence)))
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: IntakeProtocol.batchContentType)
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .stream(FileChunks(path: file, progress: progress), length: .known(Int64(size)))
        return try await execute(request, deadline: deadline)
    }

    /// `GET /v1/centers/{center}/status`.
    func status(center: String, deadline: Duration) async throws(UploadFailure) -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: settings.url(IntakeProtocol.statusPath(center: center)))
        request.method = .GET
        return try await execute(request, deadline: deadline)
    }

    /// `GET /v1/centers/{center}/catalog`; a catalog may be up to a megabyte and a bit.
    func catalog(center: String, deadline: Duration) async throws(UploadFailure) -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: settings.url(IntakeProtocol.catalogPath(center: center)))
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        return try await execute(request, deadline: deadline, maxBytes: CatalogStatement.maxBytes * 2)
    }

    private func execute(
        _ request: HTTPClientRequest, deadline: Duration, maxBytes: Int = 65_536
    ) async throws(UploadFailure) -> (
        status: Int, body: [UInt8]
    ) {
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(deadline.nanoseconds))
            let body = try await response.body.collect(upTo: maxBytes)
            return (Int(response.status.code), Array(body.readableBytesView))
        } catch {
            throw Self.classify(error, host: settings.hqURL.host ?? "?")
        }
    }

    /// Sorts a transport error into what the operator reads and what the uploader does next.
    static func classify(_ error: any Error, host: String) -> UploadFailure {
        if let failure = error as? UploadFailure { return failure }
        if error is NIOTooManyBytesError {
            return UploadFailure(.badReceipt, "headquarters \(host) answered with a body too big for a receipt")
        }
        if let connection = error as? NIOConnectionError {
            if let dns = connection.dnsAError ?? connection.dnsAAAAError {
                return UploadFailure(.dns, "cannot resolve \(host): \(dns)")
            }
            return UploadFailure(.unreachable, "cannot connect to \(host):\(connection.port): \(connection)")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return UploadFailure(
                .tls,
                "TLS handshake with \(host) failed (\(error)): its certificate must be issued by the configured "
                    + "headquarters CA for this name or address")
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout:
                return UploadFailure(.unreachable, "cannot connect to \(host): no answer within the connect timeout")
            case .readTimeout, .writeTimeout, .deadlineExceeded:
                return UploadFailure(.timeout, "headquarters \(host) did not answer in time (\(client))")
            case .tlsHandshakeTimeout:
                return UploadFailure(.timeout, "TLS handshake with \(host) timed out")
            case .remoteConnectionClosed:
                return UploadFailure(.connectionLost, "headquarters \(host) closed the connection before answering")
            default:
                return UploadFailure(.connectionLost, "upload to \(host) failed: \(client)")
            }
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH:
                return UploadFailure(.unreachable, "cannot connect to \(host): \(io)")
            default:
                return UploadFailure(.connectionLost, "the connection to \(host) broke: \(io)")
            }
        }
        if error is ChannelError {
            return UploadFailure(.connectionLost, "the connection to \(host) broke: \(error)")
        }
        return UploadFailure(.connectionLost, "upload to \(host) failed: \(error)")
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? Int64.max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
