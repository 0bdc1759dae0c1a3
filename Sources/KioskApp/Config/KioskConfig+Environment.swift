import Foundation

/// Environment overrides: every key of `config.json` can be set by `KIOSK_` and the key in
/// capitals (`KIOSK_CENTER`, `KIOSK_IDLE_TIMEOUT_SECONDS`, `KIOSK_MIN_FREE_DISK_MB`, ...), for
/// a systemd drop-in or a test. An empty variable counts as unset. The value goes through the
/// same strict checks as the file's.
extension KioskConfig {
    /// Keys whose value is a whole number; every other key is a string.
    static let integerKeys: Set<String> = [
        "idle_timeout_seconds", "retention_days", "min_free_disk_mb", "keep_plaintext_days",
    ]

    /// The variable that overrides `key`.
    static func environmentName(of key: String) -> String {
        "KIOSK_" + key.uppercased()
    }

    /// Replaces the keys of `object` that the environment overrides; returns the variables used.
    static func applyEnvironment(
        _ environment: [String: String], to object: inout [String: Any]
    ) throws(SetupError) -> [String] {
        var used: [String] = []
        for key in CodingKeys.allCases.map(\.rawValue) {
            let name = environmentName(of: key)
            guard let value = environment[name], !value.isEmpty else { continue }
            if integerKeys.contains(key) {
                guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else {
                    throw SetupError(
                        "environment \(name): expected a whole number for key \"\(key)\", got \"\(value)\"")
                }
                object[key] = number
            } else {
                object[key] = value
            }
            used.append(name)
        }
        return used
    }
}
