import Foundation
import KioskCore
import KioskSQLite
import KioskStore

/// The status as printed; its JSON keys are a monitoring interface, keep them stable.
package struct StatusReport: Encodable, Sendable {
    package let center: String
    package let centerName: String
    package let dataDir: String
    package let kioskDir: String
    package let kioskDirSource: String
    package let form: String
    package let applications: [String: Int]
    package let integrity: String
    /// The last full `integrity_check` of this file (status does not run it; attend, the other
    /// commands that write, and `kiosk status --full-check` do); nil when none is recorded.
    package let integrityCheck: IntegrityRecord?
    package let upload: UploadStatusReport?
    /// Headquarters' sealing key, and what plaintext this kiosk still holds.
    package let sealing: SealingStatusReport?
    /// Whether the attend service takes applications, and the free disk.
    package let health: HealthStatusReport
    /// The unit catalog offered: version, when fetched, when it expires.
    package let catalog: CatalogStatusReport

    /// Opens the database (which checks its structure, in a time that does not grow with the
    /// file, and refuses a damaged one) and reads counters kept up to date by the schema, so
    /// status costs the same at any size. The full integrity check is not run but reported as
    /// last recorded, unless `fullCheck` asks for one now. A damaged or unopenable database is
    /// reported in `integrity`, not thrown, so status still prints everything else.
    package init(_ context: KioskContext, fullCheck: Bool = false) throws {
        var counts: [ApplicationState: Int] = [:]
        var integrity: String
        var upload: UploadStatusReport?
        var sealing: SealingStatusReport?
        do {
            let database = try AppDatabase.open(at: context.folder.databasePath, startingFullCheck: false)
            if fullCheck, case .problems(let lines) = database.integrityCheck.wait() {
                throw StoreError(.damaged, "integrity_check: \(IntegrityResult.problems(lines))")
            }
            counts = try database.applications.countsByState()
            upload = try? UploadStatusReport(database.delivery.summary())
            sealing = try? SealingStatusReport(
                keyFingerprint: (try? context.sealingKey(keyOption: nil))??.fingerprint,
                keepPlaintextDays: context.config.keepPlaintextDays ?? 0,
                plaintextHeld: database.batches.plaintextHeld())
            integrity = "ok"
        } catch let error as StoreError {
            integrity = error.description
        }
        let record = IntegrityRecord.last(for: context.folder.databasePath)
        integrityCheck = record
        if integrity == "ok", let record, !record.passed {
            integrity = StoreError(.damaged, "integrity_check at \(record.checkedAt): \(record.result)").description
        }
        center = context.config.center
        centerName = context.config.centerName
        dataDir = context.folder.url.path
        kioskDir = context.resources.directory.path
        kioskDirSource = context.resources.source
        form = context.config.form
        catalog = CatalogStatusReport(context)
        applications = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        self.integrity = integrity
        self.upload = upload
        self.sealing = sealing
        health = HealthStatusReport(
            check: HealthCheck(folder: context.folder, config: context.config), integrity: integrity)
    }

    /// Whether the database passed its integrity check; status exits 1 otherwise.
    package var isIntact: Bool { integrity == "ok" }

    /// Pretty-printed JSON with sorted keys, for monitoring.
    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    enum CodingKeys: String, CodingKey {
        case center, form, applications, integrity, upload, sealing, health, catalog
        case integrityCheck = "integrity_check"
        case centerName = "center_name"
        case dataDir = "data_dir"
        case kioskDir = "kiosk_dir"
        case kioskDirSource = "kiosk_dir_source"
    }

    package var text: String {
        var lines = [
            "center:      \(center) (\(centerName))",
            "data folder: \(dataDir)",
            "Kiosk files: \(kioskDir) (found by \(kioskDirSource))",
            "form:        \(form)",
            catalog.line,
            "database:    \(integrity)",
            "full check:  "
                + (integrityCheck.map { "\($0.result) at \($0.checkedAt) (\(String(format: "%.2f", $0.seconds)) s)" }
                    ?? "none recorded for this file (`kiosk status --full-check` runs one)"),
            "applications:",
        ]
        for state in ApplicationState.allCases {
            lines.append(
                "  \(state.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(applications[state.rawValue] ?? 0)"
            )
        }
        lines.append(contentsOf: sealing?.lines ?? [])
        lines.append(contentsOf: upload?.lines ?? [])
        lines.append(contentsOf: health.lines)
        return lines.joined(separator: "\n")
    }
}
