import Foundation
import KioskCrypto
import KioskOutbox

/// The data folder, its configuration and the operator's files, as every subcommand needs them.
package struct KioskContext: Sendable {
    package let folder: DataFolder
    package let config: KioskConfig
    package let resources: KioskResources

    /// Prepares the data folder (first use creates the demo center) and loads and checks everything.
    /// - Parameters:
    ///   - dataDir: `--data-dir`, if given; else `KIOSK_DATA_DIR`, else ./kiosk-data.
    ///   - kioskDir: `--kiosk-dir`, if given.
    package static func load(
        dataDir: String?, kioskDir: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SetupError) -> KioskContext {
        let folder = DataFolder.resolve(option: dataDir, environment: environment)
        try folder.prepare()
        let config = try folder.loadConfig(environment: environment)
        let (directory, source) = try KioskResources.locate(
            option: kioskDir, config: config, paths: folder.configPaths)
        let resources = try KioskResources.load(from: directory, source: source)
        _ = try resources.form(config.form)
        return KioskContext(folder: folder, config: config, resources: resources)
    }

    /// The outbox, with the center key, the database it seals from and headquarters' sealing key
    /// (`--hq-seal-key`, else `hq_sealing_key`; without either, sealing refuses with a clear error).
    package func outbox(sealingKey: String? = nil, acceptSealingKey: String? = nil) throws -> Outbox {
        Outbox(
            folder: folder.outboxURL, database: try folder.openDatabase(), center: config.center,
            key: try folder.centerKey.load(),
            sealing: try sealing(keyOption: sealingKey, accept: acceptSealingKey))
    }

    /// Headquarters' sealing key and how long plaintext stays, or nil when no key is configured.
    /// `keyOption` is a path as given on the command line (relative to the working directory).
    package func sealing(keyOption: String?, accept: String?) throws(SetupError) -> Outbox.Sealing? {
        let path =
            keyOption.map {
                URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                    .standardizedFileURL.path
            } ?? config.hqSealingKey.map(folder.configPaths.path)
        guard let path else { return nil }
        let key = try Self.readSealingKey(at: path, for: "headquarters' sealing key")
        if let accept, !(accept.count == 64 && accept.allSatisfy(\.isHexDigit)) {
            throw SetupError("--accept-sealing-key must be a key fingerprint: 64 hex digits")
        }
        return Outbox.Sealing(
            key: key, confirmedFingerprint: accept?.lowercased(), keepPlaintextDays: config.keepPlaintextDays ?? 0)
    }

    /// Reads headquarters' X25519 sealing public key; `what` names it in the error (a config key
    /// or an option).
    package static func readSealingKey(at path: String, for what: String) throws(SetupError) -> X25519PublicKey {
        do {
            return try X25519PublicKey(pemRepresentation: String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw SetupError(
                "\(what): \(path) is not headquarters' X25519 sealing key (the \"PUBLIC KEY\" PEM that "
                    + "`kiosk-hq keys show` prints as the sealing key): \(error)")
        }
    }
}
