import ArgumentParser
import Foundation
import KioskCrypto
import KioskHQ
import KioskSupport

#if canImport(Glibc)
import Glibc
#endif

extension HQExport.Format: ExpressibleByArgument {}

/// `kiosk-hq export`: the applications headquarters holds, for the units that take them on.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the applications received, one a line, as JSON lines or CSV.",
        discussion: """
            Each application carries its center, batch and time of receipt, and two flags: \
            same_number_count (how many other applications held here have the same RNOKPP or \
            Lithuanian personal code) and same_number_other_center (whether one of them came from \
            another center): the same person applying twice. CSV has a header row, a UTF-8 byte \
            order mark and RFC 4180 quoting, so a spreadsheet opens it as it is; every answer is \
            also in its last column as JSON. The output holds personal data: with --output the file \
            is created 0600 and appears only once complete. Each stored batch is checked against \
            the digest accepted at intake, and its opened records against its signed manifest, \
            before anything is written.

            The records are sealed to headquarters' sealing key: give its opening key with \
            --opening-key (kept off the intake server, on the machine that exports), and after a \
            key rotation every retired opening key that batches held here were sealed to (each \
            batch is opened with the key its manifest names). Every stored batch is read, whatever \
            the selection, to flag the same number across centers.
            """)

    @OptionGroup var data: HQDataOptions

    @Option(help: ArgumentHelp("Only this center's applications.", valueName: "code"))
    var center: String?

    @Option(help: ArgumentHelp("Only batches received on or after this day (UTC).", valueName: "yyyy-mm-dd"))
    var since: String?

    @Option(help: ArgumentHelp("Only applications that chose this unit (its id in the catalog).", valueName: "id"))
    var unit: String?

    @Option(
        name: .customLong("opening-key"),
        help: ArgumentHelp(
            "Headquarters' opening key (PKCS#8 PEM); repeat it for the keys of earlier rotations.",
            valueName: "pem"))
    var openingKeys: [String] = []

    @Option(help: "jsonl or csv.")
    var format: HQExport.Format = .jsonl

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard !openingKeys.isEmpty else {
            throw ValidationError(
                "give headquarters' opening key with --opening-key PEM (the records are sealed to its sealing key)")
        }
        if let center, !CenterCode.isValid(center) {
            throw ValidationError("the center code must be \(CenterCode.rule)")
        }
        if let since {
            let parts = since.split(separator: "-")
            guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ Int($0) != nil }) else {
                throw ValidationError("--since takes a day such as 2026-12-01")
            }
        }
    }

    func run() async throws {
        let folder = try data.folder()
        let openingKeys = try loadOpeningKeys()
        let selection = HQExport.Selection(center: center, since: since, unit: unit)
        let summary = try await data.withStore(folder) { store in
            let export = HQExport(folder: folder, store: store, openingKeys: openingKeys)
            if let output {
                let destination = URL(fileURLWithPath: output)
                let stream = try DurableStream(temporary: DurableFile.temporaryURL(for: destination), exclusive: false)
                let summary = try await export.run(selection, format: format) { text in
                    try Array(text.utf8).withUnsafeBytes { try stream.write($0) }
                }
                try stream.commit(to: destination)
                return summary
            }
            return try await export.run(selection, format: format) { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
        FileHandle.standardError.write(
            Data(
                ("exported \(summary.applications) application\(summary.applications == 1 ? "" : "s") from "
                    + "\(summary.batches) batch\(summary.batches == 1 ? "" : "es"); \(summary.sameNumber) share their "
                    + "national number with another application held here, \(summary.sameNumberOtherCenter) with "
                    + "one of another center\n").utf8))
    }

    /// Reads each `--opening-key`; a file that is not an X25519 private key is named.
    private func loadOpeningKeys() throws -> [X25519PrivateKey] {
        try openingKeys.map { path in
            do {
                return try X25519PrivateKey(pemRepresentation: String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw HQError("\(path) is not an X25519 opening key (PKCS#8 PEM): \(error)")
            }
        }
    }
}
