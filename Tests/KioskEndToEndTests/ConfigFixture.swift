import Foundation
import KioskTestSupport
import Testing

/// Running the built `kiosk` with extra environment variables and its own files, for the
/// configuration, health and out-of-service tests.
extension KioskFixture {
    /// Runs a subcommand with `extra` added to the minimal environment; no --kiosk-dir when
    /// `kioskDir` is false (so the search for the Kiosk folder is what is tested).
    func run(
        _ subcommand: [String], input: String = "", environment extra: [String: String], kioskDir: Bool = true
    ) throws -> (status: Int32, output: String, error: String) {
        let process = try PipeProcess(
            executable: Self.kiosk,
            arguments: kioskDir ? arguments(subcommand) : subcommand + ["--data-dir", dataDir.path],
            environment: environment.merging(extra) { $1 })
        if !input.isEmpty { process.write(input) }
        process.closeInput()
        let status = try process.waitForExit(timeout: .seconds(60))
        return (status, process.output, process.errorOutput)
    }

    /// Writes `json` as the data folder's config.json (after the folder exists).
    func writeConfig(_ json: String) throws {
        try json.write(to: dataDir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
    }

    /// A file in the data folder, e.g. a PEM the configuration names.
    @discardableResult
    func writeFile(_ name: String, _ text: String) throws -> URL {
        let url = dataDir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The out-of-service text in `language`, from the real strings file.
    /// The first words of the out-of-service message: what stays on its first line however
    /// the kiosk wraps it to the terminal's width.
    static func outOfService(_ language: String) throws -> String {
        let data = try Data(contentsOf: kioskDir.appendingPathComponent("strings/\(language).json"))
        let texts = try JSONSerialization.jsonObject(with: data) as? [String: String]
        let text = try #require(texts?["service.out_of_service"])
        return text.split(separator: " ").prefix(4).joined(separator: " ")
    }

    /// A configuration in the demo center's shape with `extra` keys (JSON fragments) added.
    static func config(_ extra: String = "") -> String {
        """
        { "center": "DEMO01", "center_name": "Demo", "form": "ua-contract", "idle_timeout_seconds": 120\
        \(extra.isEmpty ? "" : ", " + extra) }
        """
    }
}
