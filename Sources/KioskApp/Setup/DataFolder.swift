import Foundation
import KioskBatch
import KioskCrypto
import KioskStore
import KioskSupport

/// The kiosk's data folder: `kiosk.sqlite`, `keys/`, `outbox/`, `sent/` and `config.json`.
///
/// Created on first use (mode 0700: it holds personal data) with the demo center's
/// configuration, so `swift run kiosk` works on a fresh clone with no setup.
package struct DataFolder: Sendable {
    package let url: URL
    /// The configuration file when it is not the folder's config.json: $KIOSK_CONFIG, such as
    /// an installed kiosk's /etc/kiosk/config.json. It is never created: it must exist.
    package var externalConfig: URL? = nil

    package init(url: URL, externalConfig: URL? = nil) {
        self.url = url
        self.externalConfig = externalConfig
    }

    package var databasePath: String { url.appendingPathComponent("kiosk.sqlite").path }
    package var configURL: URL { externalConfig ?? url.appendingPathComponent("config.json") }
    /// Resolves the relative paths the configuration names, against the configuration file's folder.
    package var configPaths: ConfigPaths { ConfigPaths(configFile: configURL) }
    package var outboxURL: URL { url.appendingPathComponent("outbox") }
    package var centerKey: CenterKey { CenterKey(folder: url.appendingPathComponent("keys")) }

    /// The demo configuration's `hq_sealing_key`, beside its config.json.
    package static let demoSealingKeyName = "demo-hq-sealing.pub.pem"

    /// The folder chosen by --data-dir, else KIOSK_DATA_DIR, else ./kiosk-data.
    package static func resolve(option: String?, environment: [String: String]) -> DataFolder {
        let path = option ?? environment["KIOSK_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "kiosk-data"
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let config = environment["KIOSK_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }.map {
            URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL
        }
        return DataFolder(url: url.standardizedFileURL, externalConfig: config)
    }

    /// Creates the folder, the demo configuration and the demo center's key if they are
    /// missing; never overwrites.
    package func prepare() throws(SetupError) {
        let manager = FileManager.default
        do {
            try DurableFile.createFolder(url)
            if externalConfig == nil, !manager.fileExists(atPath: configURL.path) {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try DurableFile.writeNew(Array(encoder.encode(KioskConfig.demo)), to: configURL, mode: 0o600)
                // The embedded default works with no setup: the demo center signs with its own key
                // and seals to a demo headquarters key. Its opening key is not kept anywhere: the
                // demo's batches open nowhere, as a real kiosk's open only at headquarters.
                if !centerKey.exists { try centerKey.create() }
                let demoSealing = url.appendingPathComponent(Self.demoSealingKeyName)
                if !manager.fileExists(atPath: demoSealing.path) {
                    let key = try X25519PrivateKey.generate().publicKey
                    try DurableFile.writeNew(Array(key.pemRepresentation.utf8), to: demoSealing, mode: 0o644)
                }
            }
        } catch {
            let reason = (error as? FileError).map { "\($0)" } ?? error.localizedDescription
            throw SetupError("cannot prepare the data folder \(url.path): \(reason)")
        }
    }

    /// Reads and strictly decodes the configuration file, with the environment's overrides.
    package func loadConfig(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SetupError) -> KioskConfig {
        let data: Data
        do {
            data = try Data(contentsOf: configURL)
        } catch {
            throw SetupError("cannot read \(configURL.path): \(error.localizedDescription)")
        }
        return try KioskConfig.decode(data, file: configURL.path, environment: environment)
    }

    package func openDatabase() throws(SetupError) -> AppDatabase {
        do {
            return try AppDatabase.open(at: databasePath)
        } catch {
            throw SetupError("\(databasePath): \(error)")
        }
    }
}
