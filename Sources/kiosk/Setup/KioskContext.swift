import Foundation
import KioskOutbox

/// The data folder, its configuration and the operator's files, as every subcommand needs them.
struct KioskContext {
    let folder: DataFolder
    let config: KioskConfig
    let resources: KioskResources

    /// Prepares the data folder (first use creates the demo center) and loads and checks everything.
    static func load(_ options: DataOptions) throws(SetupError) -> KioskContext {
        let environment = ProcessInfo.processInfo.environment
        let folder = DataFolder.resolve(option: options.dataDir, environment: environment)
        try folder.prepare()
        let config = try folder.loadConfig()
        let (directory, source) = try KioskResources.locate(option: options.kioskDir, config: config)
        let resources = try KioskResources.load(from: directory, source: source)
        _ = try resources.form(config.form)
        return KioskContext(folder: folder, config: config, resources: resources)
    }

    /// The outbox, with the center key and the database it seals from.
    func outbox() throws -> Outbox {
        Outbox(
            folder: folder.outboxURL, database: try folder.openDatabase(), center: config.center,
            key: try folder.centerKey.load())
    }
}
