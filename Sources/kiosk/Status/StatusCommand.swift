import ArgumentParser
import Foundation
import KioskCore
import KioskStore

/// `kiosk status`: what is stored, and whether the database is healthy.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the center, application counts by state and the database integrity.",
        discussion: "Exits 1 when the database is damaged or cannot be opened.")

    @OptionGroup var data: DataOptions

    @Flag(help: "Print JSON for monitoring instead of text.")
    var json = false

    func run() throws {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let context = try KioskContext.load(data)
        var counts: [ApplicationState: Int] = [:]
        let integrity: String
        var upload: UploadStatusReport?
        do {
            // Opening runs the full integrity check (and refuses a damaged file): no second scan.
            let database = try AppDatabase.open(at: context.folder.databasePath)
            counts = try database.applications.countsByState()
            upload = try? UploadStatusReport(database.delivery.summary())
            integrity = "ok"
        } catch let error as StoreError {
            integrity = error.description
        }
        let report = StatusReport(
            center: context.config.center, centerName: context.config.centerName,
            dataDir: context.folder.url.path, kioskDir: context.resources.directory.path,
            kioskDirSource: context.resources.source, form: context.config.form,
            applications: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            integrity: integrity, upload: upload,
            health: HealthStatusReport(
                check: HealthCheck(folder: context.folder, config: context.config), integrity: integrity))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if integrity != "ok" { throw ExitCode.failure }
    }
}

/// The status as printed; its JSON keys are a monitoring interface, keep them stable.
struct StatusReport: Encodable {
    let center: String
    let centerName: String
    let dataDir: String
    let kioskDir: String
    let kioskDirSource: String
    let form: String
    let applications: [String: Int]
    let integrity: String
    let upload: UploadStatusReport?
    /// Whether the attend service takes applications, and the free disk.
    let health: HealthStatusReport

    enum CodingKeys: String, CodingKey {
        case center, form, applications, integrity, upload, health
        case centerName = "center_name"
        case dataDir = "data_dir"
        case kioskDir = "kiosk_dir"
        case kioskDirSource = "kiosk_dir_source"
    }

    var text: String {
        var lines = [
            "center:      \(center) (\(centerName))",
            "data folder: \(dataDir)",
            "Kiosk files: \(kioskDir) (found by \(kioskDirSource))",
            "form:        \(form)",
            "database:    \(integrity)",
            "applications:",
        ]
        for state in ApplicationState.allCases {
            lines.append(
                "  \(state.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(applications[state.rawValue] ?? 0)"
            )
        }
        lines.append(contentsOf: upload?.lines ?? [])
        lines.append(contentsOf: health.lines)
        return lines.joined(separator: "\n")
    }
}
