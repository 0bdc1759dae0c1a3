import Foundation
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

    /// The outbox, with the center key and the database it seals from.
    package func outbox() throws -> Outbox {
        Outbox(
            folder: folder.outboxURL, database: try folder.openDatabase(), center: config.center,
            key: try folder.centerKey.load())
    }
}
