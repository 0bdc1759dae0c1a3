import ArgumentParser

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
}
