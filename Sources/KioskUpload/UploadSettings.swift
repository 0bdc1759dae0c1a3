import Foundation
import KioskCrypto
import KioskSupport

/// Where and how to upload: headquarters' address, what to trust, and the retry budget.
public struct UploadSettings: Sendable {
    /// Headquarters' base URL, e.g. `https://hq.example:8443`; `http` only to a loopback host.
    public var hqURL: URL
    /// The CA certificate (PEM) that headquarters' certificate must chain to; only this CA is trusted.
    public var caCertificate: String?
    /// A client certificate and its key (PEM), presented when headquarters asks for one.
    public var clientCertificate: (certificate: String, key: String)?
    /// Headquarters' receipt public key: a receipt counts only when this key signed it.
    public var receiptKey: Ed25519PublicKey
    /// Delivered applications keep their answers this long, then only reference, state and dates stay.
    public var retentionDays: Int = 7
    /// Applications per batch when new batches are created first.
    public var batchLimit: Int = 500
    public var connectTimeout: Duration = .seconds(10)
    /// How long headquarters may stay silent once the whole batch was sent (it verifies), or while sending.
    public var readTimeout: Duration = .seconds(60)
    /// Tries per batch before the run gives up (the timer starts a new run later).
    public var attempts: Int = 5
    /// The first retry waits about this long; each later one twice as long, with jitter.
    public var initialBackoff: Duration = .seconds(2)
    public var maximumBackoff: Duration = .seconds(60)
    /// The whole run stops retrying after this long.
    public var runTimeLimit: Duration = .seconds(600)

    public init(
        hqURL: URL, caCertificate: String?, clientCertificate: (certificate: String, key: String)?,
        receiptKey: Ed25519PublicKey
    )
        throws(UploadFailure)
    {
        try Self.check(hqURL, caCertificate: caCertificate)
        self.hqURL = hqURL
        self.caCertificate = caCertificate
        self.clientCertificate = clientCertificate
        self.receiptKey = receiptKey
    }

    /// Refuses anything but `https://host[:port][/path]`, or `http://` to a loopback host; HTTPS needs the CA.
    public static func check(_ url: URL, caCertificate: String?) throws(UploadFailure) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty, url.query == nil,
            url.fragment == nil, url.user == nil
        else {
            throw UploadFailure(.local, "headquarters URL \(url.absoluteString) must look like https://hq.example:8443")
        }
        switch scheme {
        case "https":
            guard caCertificate != nil else {
                throw UploadFailure(
                    .local,
                    "no headquarters CA certificate: set hq_ca in config.json or pass --hq-ca (only that CA is trusted)"
                )
            }
        case "http":
            guard Loopback.isLoopback(host) else {
                throw UploadFailure(
                    .local,
                    "plain http is only allowed to a loopback address, not \(host); use https with the headquarters CA")
            }
        default:
            throw UploadFailure(.local, "headquarters URL \(url.absoluteString) must use https")
        }
    }

    /// The full URL of a path under headquarters' base URL.
    func url(_ path: String) -> String {
        var base = hqURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
