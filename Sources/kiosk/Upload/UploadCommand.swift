import ArgumentParser
import Foundation
import KioskCrypto
import KioskStore
import KioskUpload

/// `kiosk upload`: seal approved applications and send the outbox to headquarters.
struct UploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Send the sealed batches to headquarters, in order, and keep its signed receipts.",
        discussion: """
            First seals approved applications into batches, then uploads every undelivered batch in \
            sequence order over HTTPS, trusting only the configured headquarters CA. A batch counts \
            as delivered only when headquarters' receipt verifies with the pinned receipt key and \
            names exactly that batch. Transient failures are retried with exponential backoff within \
            the run. Configuration: hq_url, hq_ca, hq_receipt_key (optional hq_client_cert, \
            hq_client_key, retention_days) in config.json; relative paths there are relative to \
            the configuration file's folder. \
            Exit codes: 0 all delivered or nothing to do; 75 headquarters unreachable or failing \
            (5xx), work remains, try later; 1 an operator must act (refused batch, bad receipt, \
            TLS, configuration).
            """)

    @OptionGroup var data: DataOptions

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

    @Option(help: "The most applications in one new batch.")
    var limit = 500

    @Option(help: "Tries per batch before the run gives up.")
    var attempts = 5

    @Option(
        name: .customLong("connect-timeout"),
        help: ArgumentHelp("Seconds to wait for a connection.", valueName: "seconds"))
    var connectTimeout = 10.0

    @Option(
        name: .customLong("read-timeout"),
        help: ArgumentHelp("Seconds headquarters may stay silent while sending or answering.", valueName: "seconds"))
    var readTimeout = 60.0

    @Option(help: ArgumentHelp("Seconds before the first retry; doubled each time, with jitter.", valueName: "seconds"))
    var backoff = 2.0

    @Option(name: .customLong("max-time"), help: ArgumentHelp("Seconds the whole run may take.", valueName: "seconds"))
    var maxTime = 600.0

    func validate() throws {
        guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000000") }
        guard (1...100).contains(attempts) else { throw ValidationError("--attempts must be between 1 and 100") }
        for (name, value) in [
            ("--connect-timeout", connectTimeout), ("--read-timeout", readTimeout), ("--max-time", maxTime),
        ] where !(value > 0 && value <= 86_400) {
            throw ValidationError("\(name) must be more than 0 and at most 86400 seconds")
        }
        guard backoff >= 0, backoff <= 3600 else {
            throw ValidationError("--backoff must be between 0 and 3600 seconds")
        }
    }

    func run() throws {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let context = try KioskContext.load(data)
        let settings = try makeSettings(context)
        let uploader = Uploader(
            database: try context.folder.openDatabase(), outboxFolder: context.folder.outboxURL,
            center: context.config.center, centerKey: try context.folder.centerKey.load(),
            sentFolder: context.folder.url.appendingPathComponent("sent"), settings: settings,
            reporter: isatty(STDOUT_FILENO) == 1 ? TerminalUploadReporter() : LineUploadReporter())
        let report = AsyncBridge.wait { await uploader.run() }
        print(Self.summary(report))
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// The settings from config.json, with the command line's overrides.
    private func makeSettings(_ context: KioskContext) throws -> UploadSettings {
        let config = context.config
        // Relative paths in the configuration are relative to the configuration file's folder.
        let base = context.folder.configURL.deletingLastPathComponent()
        func path(_ value: String?) -> String? {
            value.map { URL(fileURLWithPath: $0, relativeTo: base).standardizedFileURL.path }
        }
        guard let urlText = hq ?? config.hqURL else {
            throw SetupError("no headquarters URL: set hq_url in \(context.folder.configURL.path) or pass --hq")
        }
        guard let url = URL(string: urlText) else { throw SetupError("\(urlText) is not a URL") }
        func argument(_ value: String) -> String {
            URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
        }
        guard let keyPath = hqKey.map(argument) ?? path(config.hqReceiptKey) else {
            throw SetupError(
                "no headquarters receipt key: set hq_receipt_key in \(context.folder.configURL.path) or pass --hq-key "
                    + "(the PEM that `kiosk-hq keys show` prints)")
        }
        let receiptKey: Ed25519PublicKey
        do {
            receiptKey = try Ed25519PublicKey(pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
        } catch {
            throw SetupError("cannot read the headquarters receipt key \(keyPath): \(error)")
        }
        let client = path(config.hqClientCert).flatMap { cert in
            path(config.hqClientKey).map { (certificate: cert, key: $0) }
        }
        var settings = try UploadSettings(
            hqURL: url, caCertificate: hqCA.map(argument) ?? path(config.hqCA), clientCertificate: client,
            receiptKey: receiptKey)
        settings.retentionDays = config.retentionDays ?? 7
        settings.batchLimit = limit
        settings.attempts = attempts
        settings.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        settings.readTimeout = .milliseconds(Int64(readTimeout * 1000))
        settings.initialBackoff = .milliseconds(Int64(backoff * 1000))
        settings.runTimeLimit = .milliseconds(Int64(maxTime * 1000))
        return settings
    }

    static func summary(_ report: Uploader.Report) -> String {
        let delivered = report.delivered.count
        switch report.outcome {
        case .nothingToDo:
            return "nothing to upload: the outbox is empty"
        case .delivered:
            return "all delivered: \(delivered) batch\(delivered == 1 ? "" : "es") "
                + "(\(UploadText.applications(report.delivered.reduce(0) { $0 + $1.applications })))"
        case .unreachable:
            return
                "\(report.remaining) batch\(report.remaining == 1 ? "" : "es") still waiting (\(delivered) delivered now): "
                + "headquarters unreachable or failing; the next run retries (exit 75)"
        case .operatorAction:
            return
                "\(report.remaining) batch\(report.remaining == 1 ? "" : "es") still waiting (\(delivered) delivered now): "
                + "an operator must act: \(report.failure?.message ?? "see above") (exit 1)"
        }
    }
}
