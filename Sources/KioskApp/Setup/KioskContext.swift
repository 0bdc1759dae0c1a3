import Foundation
import KioskCrypto

/// The data folder, its configuration and the operator's files, as every subcommand needs them.
package struct KioskContext: Sendable {
    package let folder: DataFolder
    package let config: KioskConfig
    package let resources: KioskResources

    /// The form definitions a command loads.
    package enum Forms: Sendable {
        /// Every `forms/*.json`, each checked.
        case all
        /// The config's form and `--form` if given: what `kiosk attend` can show.
        case attend(override: String?)
    }

    /// Prepares the data folder (first use creates the demo center) and loads and checks everything.
    /// - Parameters:
    ///   - dataDir: `--data-dir`, if given; else `KIOSK_DATA_DIR`, else ./kiosk-data.
    ///   - kioskDir: `--kiosk-dir`, if given.
    ///   - forms: which form definitions to load and check: all of them, or for `kiosk attend`
    ///     only the config's form and its `--form`.
    package static func load(
        dataDir: String?, kioskDir: String?, forms: Forms = .all,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SetupError) -> KioskContext {
        let folder = DataFolder.resolve(option: dataDir, environment: environment)
        try folder.prepare()
        let config = try folder.loadConfig(environment: environment)
        let (directory, source) = try KioskResources.locate(
            option: kioskDir, config: config, paths: folder.configPaths)
        let selection: KioskResources.FormSelection =
            switch forms {
            case .all: .all
            case .attend(let override): .only(Set([config.form, override].compactMap { $0 }))
            }
        let resources = try KioskResources.load(from: directory, source: source, forms: selection)
        _ = try resources.form(config.form)
        return KioskContext(folder: folder, config: config, resources: resources)
    }

    /// Headquarters' sealing key: `keyOption` (a path as given on the command line, relative to
    /// the working directory), else the config's `hq_sealing_key`; nil when neither names one.
    package func sealingKey(keyOption: String?) throws(SetupError) -> X25519PublicKey? {
        let path =
            keyOption.map {
                URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                    .standardizedFileURL.path
            } ?? config.hqSealingKey.map(folder.configPaths.path)
        guard let path else { return nil }
        return try Self.readSealingKey(at: path, for: "headquarters' sealing key")
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
