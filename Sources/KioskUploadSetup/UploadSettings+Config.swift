import Foundation
import KioskApp
import KioskCrypto
import KioskUpload

extension UploadSettings {
    /// The settings from the configuration, with the command line's overrides.
    ///
    /// The files the configuration names resolve through `ConfigPaths`, against the
    /// configuration file's folder: the same files `kiosk config check` checked.
    package init(folder: DataFolder, config: KioskConfig, overrides: UploadOverrides) throws(SetupError) {
        let file = folder.configURL.path
        let paths = folder.configPaths
        func path(_ value: String?) -> String? { value.map(paths.path) }
        guard let urlText = overrides.hqURL ?? config.hqURL else {
            throw SetupError("no headquarters URL: set hq_url in \(file) or pass --hq")
        }
        guard let url = URL(string: urlText) else { throw SetupError("\(urlText) is not a URL") }
        guard let keyPath = overrides.hqReceiptKey.map(UploadOverrides.argument) ?? path(config.hqReceiptKey) else {
            throw SetupError(
                "no headquarters receipt key: set hq_receipt_key in \(file) or pass --hq-key "
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
        do {
            try self.init(
                hqURL: url, caCertificate: overrides.hqCA.map(UploadOverrides.argument) ?? path(config.hqCA),
                clientCertificate: client, receiptKey: receiptKey)
        } catch {
            throw SetupError(error.message)
        }
        retentionDays = config.retentionDays ?? 7
        batchLimit = overrides.batchLimit
        attempts = overrides.attempts
        connectTimeout = overrides.connectTimeout
        readTimeout = overrides.readTimeout
        initialBackoff = overrides.initialBackoff
        runTimeLimit = overrides.runTimeLimit
    }
}

extension Uploader {
    /// The uploader over the data folder's database, outbox, `sent/`, center key and headquarters'
    /// sealing key (`--hq-seal-key`, else `hq_sealing_key`).
    package init(
        context: KioskContext, settings: UploadSettings, overrides: UploadOverrides = UploadOverrides(),
        reporter: any UploadReporter
    ) throws {
        self.init(
            database: try context.folder.openDatabase(), outboxFolder: context.folder.outboxURL,
            center: context.config.center, centerKey: try context.folder.centerKey.load(),
            sentFolder: context.folder.url.appendingPathComponent("sent"), settings: settings,
            sealing: try context.sealing(keyOption: overrides.hqSealingKey, accept: overrides.acceptSealingKey),
            reporter: reporter)
    }
}
