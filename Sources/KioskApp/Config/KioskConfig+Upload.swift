import Foundation

extension KioskConfig {
    /// Checks the upload keys: a URL that is https (or http to a loopback address), client
    /// certificate and key together, and a sane retention.
    func checkUpload(file: String) throws(SetupError) {
        if let hqURL {
            guard let url = URL(string: hqURL), let scheme = url.scheme?.lowercased(), let host = url.host,
                !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
            else {
                throw SetupError("\(file): key \"hq_url\" must be a URL such as https://hq.example:8443")
            }
            guard scheme == "https" || (scheme == "http" && Self.isLoopback(host)) else {
                throw SetupError(
                    "\(file): key \"hq_url\" must use https (plain http only to a loopback address such as 127.0.0.1)")
            }
        }
        guard (hqClientCert == nil) == (hqClientKey == nil) else {
            throw SetupError("\(file): keys \"hq_client_cert\" and \"hq_client_key\" go together; set both or neither")
        }
        if let retentionDays, !(0...3650).contains(retentionDays) {
            throw SetupError("\(file): key \"retention_days\" must be between 0 and 3650")
        }
    }

    /// 127.0.0.0/8, ::1 or localhost: the hosts plain http may go to.
    ///
    /// The same rule as `KioskUpload.UploadSettings.isLoopback`, written here because the
    /// attend service decodes this configuration too and must not link the upload libraries
    /// (AsyncHTTPClient, NIO); both give way to one helper when the shared support target lands.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
