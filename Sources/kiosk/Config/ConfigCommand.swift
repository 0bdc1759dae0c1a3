import ArgumentParser
import Foundation
import KioskCrypto
import KioskUpload

/// `kiosk config`: the configuration file, checked before a service starts on it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the kiosk's configuration.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the configuration, the Kiosk folder and the files they name; change nothing.",
            discussion: """
                The file: --config, else $KIOSK_CONFIG (an installed kiosk: /etc/kiosk/config.json), \
                else config.json in the data folder. Environment variables KIOSK_<KEY> (KIOSK_CENTER, \
                KIOSK_IDLE_TIMEOUT_SECONDS, KIOSK_MIN_FREE_DISK_MB, ...) override the file's keys, as \
                they do for every command. Unknown keys, wrong types, a non-https headquarters URL and \
                unreadable certificate or key files are refused with the file, the key and what is \
                expected. Exit status 0 when everything is usable, 1 otherwise.
                """)

        @OptionGroup var data: DataOptions

        @Option(help: ArgumentHelp("The configuration file to check.", valueName: "file"))
        var config: String?

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            var folder = DataFolder.resolve(option: data.dataDir, environment: environment)
            if let config {
                folder.externalConfig =
                    URL(
                        fileURLWithPath: config,
                        relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                    ).standardizedFileURL
            }
            // Only reads: unlike the other commands it never creates the folder or a demo configuration.
            guard FileManager.default.fileExists(atPath: folder.configURL.path) else {
                throw SetupError(
                    "\(folder.configURL.path): no such file; copy config.example.json from the Kiosk folder there and edit it"
                )
            }
            let loaded = try folder.loadConfig()
            let (directory, source) = try KioskResources.locate(option: data.kioskDir, config: loaded)
            let resources = try KioskResources.load(from: directory, source: source)
            let form = try resources.form(loaded.form)
            let check = HealthCheck(folder: folder, config: loaded)
            var lines = [
                "\(folder.configURL.path): ok",
                "center:      \(loaded.center) (\(loaded.centerName))",
                "form:        \(form.definition.id) (\(form.definition.languages.map(\.rawValue).joined(separator: ", ")))",
                "Kiosk files: \(directory.path) (found by \(source))",
                "data folder: \(folder.url.path)"
                    + (FileManager.default.fileExists(atPath: folder.url.path) ? "" : " (not created yet)"),
                "free disk:   out of service below \(check.minimumFreeMB) MB",
            ]
            lines.append(contentsOf: try Self.checkUpload(loaded, folder: folder))
            print(lines.joined(separator: "\n"))
        }

        /// The upload keys: the files they name must be readable and of the right kind, so a
        /// mistake shows now and not at the first scheduled upload.
        static func checkUpload(_ config: KioskConfig, folder: DataFolder) throws(SetupError) -> [String] {
            let file = folder.configURL.path
            guard let hqURL = config.hqURL else {
                return ["upload:      not configured (no hq_url); sealed batches wait in the outbox"]
            }
            func path(_ value: String) -> String {
                URL(fileURLWithPath: value, relativeTo: folder.url).standardizedFileURL.path
            }
            func read(
                _ key: String, _ value: String, expecting marker: String, _ what: String
            ) throws(SetupError) -> String {
                guard let text = try? String(contentsOfFile: path(value), encoding: .utf8) else {
                    throw SetupError("\(file): key \"\(key)\": cannot read \(path(value)); expected \(what)")
                }
                guard text.contains(marker) else {
                    throw SetupError("\(file): key \"\(key)\": \(path(value)) is not \(what)")
                }
                return text
            }
            if let url = URL(string: hqURL) {
                do {
                    try UploadSettings.check(url, caCertificate: config.hqCA.map(path))
                } catch {
                    throw SetupError("\(file): key \"hq_url\": \(error.message)")
                }
            }
            if let ca = config.hqCA {
                _ = try read(
                    "hq_ca", ca, expecting: "-----BEGIN CERTIFICATE-----", "a PEM certificate (the headquarters CA)")
            }
            guard let receiptKey = config.hqReceiptKey else {
                throw SetupError(
                    "\(file): key \"hq_receipt_key\" is missing; expected the PEM file of headquarters' receipt key "
                        + "(what `kiosk-hq keys show` prints), without which no upload counts as delivered")
            }
            let pem = try read(
                "hq_receipt_key", receiptKey, expecting: "-----BEGIN PUBLIC KEY-----", "a PEM public key")
            do {
                _ = try Ed25519PublicKey(pemRepresentation: pem)
            } catch {
                throw SetupError(
                    "\(file): key \"hq_receipt_key\": \(path(receiptKey)) is not an Ed25519 public key: \(error)")
            }
            if let certificate = config.hqClientCert, let key = config.hqClientKey {
                _ = try read(
                    "hq_client_cert", certificate, expecting: "-----BEGIN CERTIFICATE-----", "a PEM certificate")
                _ = try read("hq_client_key", key, expecting: "PRIVATE KEY-----", "a PEM private key")
            }
            guard folder.centerKey.exists else {
                throw SetupError(
                    "no center key in \(folder.centerKey.folder.path): create it with `kiosk keys init` and register "
                        + "its public key with headquarters")
            }
            return ["upload:      \(hqURL), receipts checked with \(path(receiptKey))"]
        }
    }
}
