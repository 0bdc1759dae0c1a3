import ArgumentParser
import Foundation
import KioskApp

/// Options every subcommand takes: where the data lives and where the operator's files are.
struct DataOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The data folder (database, keys, outbox, config.json).",
            discussion: "Default: $KIOSK_DATA_DIR, else ./kiosk-data (created with the demo center DEMO01).",
            valueName: "dir"))
    var dataDir: String?

    @Option(
        name: .customLong("kiosk-dir"),
        help: ArgumentHelp(
            "The folder with forms/, strings/ and units.json.",
            discussion: "Default: kiosk_dir in config.json, else ./Kiosk, else the installed share folder.",
            valueName: "dir"))
    var kioskDir: String?

    /// The data folder (prepared on first use), its configuration and the Kiosk folder, checked.
    func context() throws(SetupError) -> KioskContext {
        try KioskContext.load(dataDir: dataDir, kioskDir: kioskDir)
    }

    /// The data folder, prepared on first use, for commands that need only its database.
    func preparedFolder() throws(SetupError) -> DataFolder {
        let folder = DataFolder.resolve(option: dataDir, environment: ProcessInfo.processInfo.environment)
        try folder.prepare()
        return folder
    }
}
