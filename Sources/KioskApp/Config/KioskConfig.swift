import Foundation
import KioskCore
import KioskSupport

/// The data folder's `config.json`: which center this is and how the kiosk behaves.
///
/// Decoded strictly: an unknown key or a wrong type is refused with the file and the key,
/// so a typo never silently falls back to a default.
package struct KioskConfig: Codable, Equatable, Sendable {
    /// The center code in reference numbers and batches (2-12 upper-case letters or digits).
    package var center: String
    package var centerName: String
    /// The form applicants fill (a file `forms/<form>.json` under the Kiosk folder).
    package var form: String
    /// Seconds without input before an unfinished application is dropped.
    package var idleTimeoutSeconds: Int
    /// Where the operator's files are, if not found by the default search.
    package var kioskDir: String?
    /// Headquarters' intake URL for `kiosk upload` (https, or http to a loopback address only).
    package var hqURL: String? = nil
    /// The CA certificate (PEM) headquarters' certificate must chain to; the only CA trusted.
    package var hqCA: String? = nil
    /// A client certificate and key (PEM) to present to headquarters, both or neither.
    package var hqClientCert: String? = nil
    package var hqClientKey: String? = nil
    /// Headquarters' receipt public key (PEM): only receipts it signed count as delivery.
    package var hqReceiptKey: String? = nil
    /// Days delivered applications keep their answers (default 7; 0 deletes them at delivery).
    package var retentionDays: Int? = nil
    /// Headquarters' sealing public key (X25519, PEM): batches' records are sealed to it, so only
    /// headquarters reads them (`kiosk-hq keys show` prints it).
    package var hqSealingKey: String? = nil
    /// Days sealed applications keep their answers on the kiosk for staff to look back (default
    /// 0: deleted as they are sealed; at most 30).
    package var keepPlaintextDays: Int? = nil
    /// Below this many free megabytes on the data folder's disk the attend service is out of
    /// service (default 200; 0 turns the check off).
    package var minFreeDiskMB: Int? = nil
    /// The staff review console's language (uk, en or lt; default en); `kiosk review --lang` overrides it.
    package var staffLanguage: String? = nil

    package init(
        center: String, centerName: String, form: String, idleTimeoutSeconds: Int, kioskDir: String? = nil,
        hqURL: String? = nil, hqCA: String? = nil, hqClientCert: String? = nil, hqClientKey: String? = nil,
        hqReceiptKey: String? = nil, retentionDays: Int? = nil, minFreeDiskMB: Int? = nil
    ) {
        self.center = center
        self.centerName = centerName
        self.form = form
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.kioskDir = kioskDir
        self.hqURL = hqURL
        self.hqCA = hqCA
        self.hqClientCert = hqClientCert
        self.hqClientKey = hqClientKey
        self.hqReceiptKey = hqReceiptKey
        self.retentionDays = retentionDays
        self.minFreeDiskMB = minFreeDiskMB
    }

    package enum CodingKeys: String, CodingKey, CaseIterable {
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
        case hqSealingKey = "hq_sealing_key"
        case keepPlaintextDays = "keep_plaintext_days"
        case minFreeDiskMB = "min_free_disk_mb"
        case staffLanguage = "staff_language"
    }

    /// The configuration written for the embedded default: a fictional demo center, sealing to
    /// a demo headquarters key whose opening key nobody keeps (`DataFolder.prepare`).
    package static let demo: KioskConfig = {
        var config = KioskConfig(
            center: "DEMO01", centerName: "Demo recruiting center (fictional)", form: "ua-contract",
            idleTimeoutSeconds: 120, kioskDir: nil)
        config.hqSealingKey = DataFolder.demoSealingKeyName
        return config
    }()

    /// Decodes strictly, after the environment's overrides (`KIOSK_<KEY>`, see
    /// KioskConfig+Environment.swift); messages name the file, the variables used and the key.
    package static func decode(
        _ data: Data, file: String, environment: [String: String]
    ) throws(SetupError) -> KioskConfig {
        guard var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SetupError("\(file): not a JSON object; see Kiosk/config.example.json")
        }
        if let unknown = StrictKeys.unknownKey(
            in: object.keys, allowed: CodingKeys.allCases.map(\.rawValue), file: file)
        {
            throw SetupError(unknown.description)
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
        if let language = config.staffLanguage, Language(rawValue: language) == nil {
            throw SetupError("\(file): key \"staff_language\" must be uk, en or lt")
        }
        try config.checkUpload(file: file)
        return config
    }

    /// The staff console's language: `staff_language`, else English.
    package var consoleLanguage: Language {
        staffLanguage.flatMap(Language.init(rawValue:)) ?? .en
    }
}
