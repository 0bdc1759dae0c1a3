import Foundation
import KioskCore
import KioskUpload

/// The data folder's `config.json`: which center this is and how the kiosk behaves.
///
/// Decoded strictly: an unknown key or a wrong type is refused with the file and the key,
/// so a typo never silently falls back to a default.
struct KioskConfig: Codable, Equatable {
    /// The center code in reference numbers and batches (2-12 upper-case letters or digits).
    var center: String
    var centerName: String
    /// The form applicants fill (a file `forms/<form>.json` under the Kiosk folder).
    var form: String
    /// Seconds without input before an unfinished application is dropped.
    var idleTimeoutSeconds: Int
    /// Where the operator's files are, if not found by the default search.
    var kioskDir: String?
    /// Headquarters' intake URL for `kiosk upload` (https, or http to a loopback address only).
    var hqURL: String? = nil
    /// The CA certificate (PEM) headquarters' certificate must chain to; the only CA trusted.
    var hqCA: String? = nil
    /// A client certificate and key (PEM) to present to headquarters, both or neither.
    var hqClientCert: String? = nil
    var hqClientKey: String? = nil
    /// Headquarters' receipt public key (PEM): only receipts it signed count as delivery.
    var hqReceiptKey: String? = nil
    /// Days delivered applications keep their answers (default 7; 0 deletes them at delivery).
    var retentionDays: Int? = nil
    /// Below this many free megabytes on the data folder's disk the attend service is out of
    /// service (default 200; 0 turns the check off).
    var minFreeDiskMB: Int? = nil

    enum CodingKeys: String, CodingKey, CaseIterable {
        case center
        case centerName = "center_name"
        case form
        case idleTimeoutSeconds = "idle_timeout_seconds"
        case kioskDir = "kiosk_dir"
        case hqURL = "hq_url"
        case hqCA = "hq_ca"
        case hqClientCert = "hq_client_cert"
        case hqClientKey = "hq_client_key"
        case hqReceiptKey = "hq_receipt_key"
        case retentionDays = "retention_days"
        case minFreeDiskMB = "min_free_disk_mb"
    }

    /// The configuration written for the embedded default: a fictional demo center.
    static let demo = KioskConfig(
        center: "DEMO01", centerName: "Demo recruiting center (fictional)", form: "ua-contract",
        idleTimeoutSeconds: 120, kioskDir: nil)

    /// Decodes strictly, after the environment's overrides (`KIOSK_<KEY>`, see
    /// KioskConfig+Environment.swift); messages name the file, the variables used and the key.
    static func decode(
        _ data: Data, file: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SetupError) -> KioskConfig {
        guard var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SetupError("\(file): not a JSON object; see Kiosk/config.example.json")
        }
        let allowed = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw SetupError(
                "\(file): unknown key \"\(unknown)\"; allowed keys: \(allowed.sorted().joined(separator: ", "))")
        }
        var data = data
        var file = file
        let overrides = try applyEnvironment(environment, to: &object)
        if !overrides.isEmpty {
            file += " (with environment \(overrides.joined(separator: ", ")))"
            guard let merged = try? JSONSerialization.data(withJSONObject: object) else {
                throw SetupError("\(file): the environment's overrides cannot be applied")
            }
            data = merged
        }
        let config: KioskConfig
        do {
            config = try JSONDecoder().decode(KioskConfig.self, from: data)
        } catch let error as DecodingError {
            throw SetupError("\(file): \(error.humanReadable)")
        } catch {
            throw SetupError("\(file): \(error)")
        }
        guard ReferenceNumber.isValidCenter(config.center) else {
            throw SetupError("\(file): key \"center\" must be 2 to 12 upper-case letters or digits, such as DEMO01")
        }
        guard (10...86_400).contains(config.idleTimeoutSeconds) else {
            throw SetupError("\(file): key \"idle_timeout_seconds\" must be between 10 and 86400")
        }
        if let minFreeDiskMB = config.minFreeDiskMB, !(0...100_000_000).contains(minFreeDiskMB) {
            throw SetupError(
                "\(file): key \"min_free_disk_mb\" must be between 0 and 100000000 (megabytes; 0 turns the check off)")
        }
        try config.checkUpload(file: file)
        return config
    }
}

extension DecodingError {
    /// "key \"form\": expected String" and the like, for configuration messages.
    var humanReadable: String {
        switch self {
        case .typeMismatch(let type, let context):
            "key \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": wrong type, expected \(type)"
        case .valueNotFound(let type, let context):
            "key \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": missing value, expected \(type)"
        case .keyNotFound(let key, _):
            "missing key \"\(key.stringValue)\""
        case .dataCorrupted(let context):
            context.debugDescription
        @unknown default:
            "\(self)"
        }
    }
}

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
            guard scheme == "https" || (scheme == "http" && UploadSettings.isLoopback(host)) else {
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
}
