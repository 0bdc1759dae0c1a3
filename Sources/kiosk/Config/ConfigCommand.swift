import ArgumentParser
import Foundation
import KioskApp
import KioskCommandLine
import KioskUploadSetup

/// `kiosk config`: the configuration file, checked before a service starts on it.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the kiosk's configuration.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the configuration, the Kiosk folder and the files they name; change nothing.",
            discussion: """
                The file: --config, else $KIOSK_CONFIG (an installed kiosk: /etc/kiosk/config.json), \
                else config.json in the data folder. Environment variables KIOSK_<KEY> (KIOSK_CENTER, \
                KIOSK_IDLE_TIMEOUT_SECONDS, KIOSK_MIN_FREE_DISK_MB, ...) override the file's keys, as \
                they do for every command. Relative paths in it (kiosk_dir, hq_ca, hq_receipt_key, \
                hq_client_cert, hq_client_key) are relative to the configuration file's folder, as \
                for kiosk upload. Unknown keys, wrong types, a non-https headquarters URL and \
                unreadable certificate or key files are refused with the file, the key and what is \
                expected. Exit status 0 when everything is usable, 1 otherwise.
                """)

        @OptionGroup var data: DataOptions

        @Option(help: ArgumentHelp("The configuration file to check.", valueName: "file"))
        var config: String?

        func run() async throws {
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
            let (directory, source) = try KioskResources.locate(
                option: data.kioskDir, config: loaded, paths: folder.configPaths)
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
            lines.append(contentsOf: try UploadConfigCheck.lines(loaded, folder: folder))
            print(lines.joined(separator: "\n"))
        }
    }
}
