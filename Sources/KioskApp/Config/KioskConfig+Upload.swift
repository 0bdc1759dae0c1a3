import Foundation
import KioskSupport

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
            guard scheme == "https" || (scheme == "http" && Loopback.isLoopback(host)) else {
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
        if let keepPlaintextDays, !(0...30).contains(keepPlaintextDays) {
            throw SetupError(
                "\(file): key \"keep_plaintext_days\" must be between 0 and 30 (0, the default, deletes the "
                    + "answers as soon as they are sealed for headquarters)")
        }
    }
}
