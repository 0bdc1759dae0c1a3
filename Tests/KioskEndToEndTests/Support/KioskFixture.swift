import Foundation
import KioskCore
import KioskTestSupport

/// A fresh data folder and the ways to run the built `kiosk` on it, plus the stock tools
/// (`sqlite3`, `sha256sum`) to check what it wrote.
final class KioskFixture {
    let dataDir: URL
    /// The local time zone of every `kiosk` the fixture runs: days the tests compute ("today")
    /// are this zone's days, as the kiosk's are.
    static let timeZone = TimeZone(identifier: "UTC")!

    /// The repository's Kiosk/ folder: the real forms, strings and unit catalog.
    static let kioskDir = Repository.kioskFolder
    static let kiosk = Products.executable(named: "kiosk")

    private let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder(prefix: "kiosk-e2e")
        dataDir = folder.url
    }

    var databasePath: String { dataDir.appendingPathComponent("kiosk.sqlite").path }

    /// Headquarters' sealing key the kiosk seals to (`KIOSK_HQ_SEALING_KEY`), if the test set one;
    /// else the demo folder's own demo key.
    var sealing: TestSealingKey?

    /// A minimal environment: no inherited KIOSK_* variables, a UTF-8 locale, and the kiosk's
    /// local time zone pinned to `timeZone`, whatever this machine's and this test's zone are.
    var environment: [String: String] {
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm", "HOME": dataDir.path,
            "TZ": Self.timeZone.identifier,
        ]
        if let sealing { environment["KIOSK_HQ_SEALING_KEY"] = sealing.publicKeyPath }
        return environment
    }

    func arguments(_ subcommand: [String]) -> [String] {
        subcommand + ["--data-dir", dataDir.path, "--kiosk-dir", Self.kioskDir.path]
    }

    /// The kiosk on a real pseudo-terminal of the given size.
    func terminal(_ subcommand: [String], columns: Int = 80, rows: Int = 24) throws -> PseudoTerminal {
        try PseudoTerminal(
            executable: Self.kiosk, arguments: arguments(subcommand), environment: environment, columns: columns,
            rows: rows)
    }

    /// The kiosk with pipes for input and output, as on a serial line driven by a script.
    func pipe(_ subcommand: [String]) throws -> PipeProcess {
        try PipeProcess(executable: Self.kiosk, arguments: arguments(subcommand), environment: environment)
    }

    /// Runs a kiosk subcommand to the end; returns exit status, standard output and standard error.
    func run(_ subcommand: [String], input: String = "") throws -> (status: Int32, output: String, error: String) {
        let process = try pipe(subcommand)
        if !input.isEmpty { process.write(input) }
        process.closeInput()
        let status = try process.waitForExit(timeout: .seconds(60))
        return (status, process.output, process.errorOutput)
    }

    /// Runs the stock `sqlite3` CLI on the kiosk's database (the SQL goes in on standard input).
    func sqlite(_ sql: String) throws -> String {
        try Self.tool("/usr/bin/sqlite3", [databasePath], input: sql)
    }

    /// Runs a stock tool (found on PATH by the name at the end of `path`); the trimmed output.
    static func tool(_ path: String, _ arguments: [String], input: String? = nil) throws -> String {
        try ProcessRunner.check(URL(fileURLWithPath: path).lastPathComponent, arguments, input: input)
    }

    /// The reference number printed in `output`, e.g. DEMO01-2026-000001-C.
    static func reference(in output: String) -> String? {
        guard let range = output.range(of: #"DEMO01-\d{4}-\d{6}-[0-9A-Z]"#, options: .regularExpression) else {
            return nil
        }
        return String(output[range])
    }

    /// A field's label in a language, from the real form definition.
    static func label(_ field: String, form: String = "ua-contract", _ language: Language) throws -> String {
        let data = try Data(contentsOf: kioskDir.appendingPathComponent("forms/\(form).json"))
        let definition = try JSONDecoder().decode(FormDefinition.self, from: data)
        return definition.field(field)?.label.resolve(language) ?? field
    }
}
