import ArgumentParser
import Foundation
import KioskApp

/// Options every subcommand takes: where the data lives and where the operator's files are.
package struct DataOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The data folder (database, keys, outbox, config.json).",
            discussion: "Default: $KIOSK_DATA_DIR, else ./kiosk-data (created with the demo center DEMO01).",
            valueName: "dir"))
    package var dataDir: String?

    @Option(
        name: .customLong("kiosk-dir"),
        help: ArgumentHelp(
            "The folder with forms/, strings/ and units.json.",
            discussion: "Default: kiosk_dir in config.json, else ./Kiosk, else the installed share folder.",
            valueName: "dir"))
    package var kioskDir: String?

    package init() {}

    /// The data folder (prepared on first use), its configuration and the Kiosk folder, checked.
    package func context(forms: KioskContext.Forms = .all) throws(SetupError) -> KioskContext {
        try KioskContext.load(dataDir: dataDir, kioskDir: kioskDir, forms: forms)
    }

    /// The data folder, prepared on first use, for commands that need only its database.
    package func preparedFolder() throws(SetupError) -> DataFolder {
        let folder = DataFolder.resolve(option: dataDir, environment: ProcessInfo.processInfo.environment)
        try folder.prepare()
        return folder
    }
}
