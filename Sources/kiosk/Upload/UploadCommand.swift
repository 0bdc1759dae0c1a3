import ArgumentParser
import Foundation
import KioskApp
import KioskCommandLine
import KioskUpload
import KioskUploadSetup

/// `kiosk upload`: seal approved applications and send the outbox to headquarters.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Send the sealed batches to headquarters, in order, and keep its signed receipts.",
        discussion: """
            First seals approved applications into batches, then uploads every undelivered batch in \
            sequence order over HTTPS, trusting only the configured headquarters CA. A batch counts \
            as delivered only when headquarters' receipt verifies with the pinned receipt key and \
            names exactly that batch. Transient failures are retried with exponential backoff within \
            the run. Configuration: hq_url, hq_ca, hq_receipt_key, hq_sealing_key (optional \
            hq_client_cert, hq_client_key, retention_days, keep_plaintext_days) in config.json; \
            relative paths there are relative to \
            the configuration file's folder. After the upload it fetches headquarters' unit \
            catalog as `kiosk catalog fetch` does; a catalog that cannot be fetched or is refused \
            is reported on its own line and does not change the exit code. \
            Exit codes: 0 all delivered or nothing to do; 75 headquarters unreachable or failing \
            (5xx), work remains, try later; 1 an operator must act (refused batch, bad receipt, \
            TLS, configuration).
            """)

    @OptionGroup var data: DataOptions

    @OptionGroup var headquarters: HeadquartersOptions

    @OptionGroup var sealing: SealingOptions

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

    func run() async throws {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let context = try data.context()
        var overrides = UploadOverrides(
            hqURL: headquarters.hq, hqCA: headquarters.hqCA, hqReceiptKey: headquarters.hqKey)
        overrides.hqSealingKey = sealing.hqSealKey
        overrides.acceptSealingKey = sealing.acceptSealingKey
        overrides.batchLimit = limit
        overrides.attempts = attempts
        overrides.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        overrides.readTimeout = .milliseconds(Int64(readTimeout * 1000))
        overrides.initialBackoff = .milliseconds(Int64(backoff * 1000))
        overrides.runTimeLimit = .milliseconds(Int64(maxTime * 1000))
        let settings = try UploadSettings(folder: context.folder, config: context.config, overrides: overrides)
        let reporter: any UploadReporter = isatty(STDOUT_FILENO) == 1 ? TerminalUploadReporter() : LineUploadReporter()
        let report = try await Uploader(
            context: context, settings: settings, overrides: overrides, reporter: reporter
        ).run()
        print(report.summary)
        // The catalog follows every upload run; its failure is reported but does not change the
        // upload's exit code: the batches' fate is what the timer and monitoring act on.
        do {
            print(try await CatalogUpdate.run(context: context, settings: settings).summary)
        } catch {
            print("catalog not updated: \(error.message)")
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
