import Foundation
import KioskCore

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case center
        case centerName = "center_name"
        case form
        case idleTimeoutSeconds = "idle_timeout_seconds"
        case kioskDir = "kiosk_dir"
    }

    /// The configuration written for the embedded default: a fictional demo center.
    static let demo = KioskConfig(
        center: "DEMO01", centerName: "Demo recruiting center (fictional)", form: "ua-contract",
        idleTimeoutSeconds: 120, kioskDir: nil)

    static func decode(_ data: Data, file: String) throws(SetupError) -> KioskConfig {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SetupError("\(file): not a JSON object; see Kiosk/config.example.json")
        }
        let allowed = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw SetupError(
                "\(file): unknown key \"\(unknown)\"; allowed keys: \(allowed.sorted().joined(separator: ", "))")
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
