import ArgumentParser

/// Where headquarters is and what to trust, over the configuration: the options `kiosk upload`
/// and `kiosk catalog fetch` share.
struct HeadquartersOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Headquarters' URL, overriding hq_url.", valueName: "url"))
    var hq: String?

    @Option(
        name: .customLong("hq-ca"),
        help: ArgumentHelp("The headquarters CA certificate (PEM), overriding hq_ca.", valueName: "pem"))
    var hqCA: String?

    @Option(
        name: .customLong("hq-key"),
        help: ArgumentHelp("Headquarters' receipt public key (PEM), overriding hq_receipt_key.", valueName: "pem"))
    var hqKey: String?
}
