import Foundation
import KioskBatch

/// `kiosk-hq export`: the applications headquarters holds, one a line, as JSON lines or as CSV
/// that a spreadsheet opens correctly, each flagged when another application held here has the
/// same national number (RNOKPP or Lithuanian personal code), across centers.
///
/// It streams: batches are read one record at a time, twice (a first pass counts the national
/// numbers of every stored batch and checks each file against the digest accepted at intake,
/// so nothing is written from a damaged file; the second writes the selected records).
public struct HQExport {
    public enum Format: String, CaseIterable, Sendable {
        case jsonl, csv
    }

    /// Which applications to write; nil selects all.
    public struct Selection: Sendable {
        public var center: String?
        /// Batches received on or after this day (YYYY-MM-DD, UTC).
        public var since: String?
        /// Applications that chose this unit.
        public var unit: String?

        public init(center: String? = nil, since: String? = nil, unit: String? = nil) {
            self.center = center
            self.since = since
            self.unit = unit
        }
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        public var applications = 0
        public var batches = 0
        /// Applications written that share their national number with another one held here.
        public var sameNumber = 0
        /// Of those, the ones where another center holds the same number.
        public var sameNumberOtherCenter = 0

        public init(applications: Int = 0, batches: Int = 0, sameNumber: Int = 0, sameNumberOtherCenter: Int = 0) {
            self.applications = applications
            self.batches = batches
            self.sameNumber = sameNumber
            self.sameNumberOtherCenter = sameNumberOtherCenter
        }
    }

    let folder: HQFolder
    let database: HQDatabase

    public init(folder: HQFolder, database: HQDatabase) {
        self.folder = folder
        self.database = database
    }

    /// Writes the selected applications through `write` (text in pieces, in order).
    public func run(
        _ selection: Selection, format: Format, write: @escaping (String) throws -> Void
    ) throws -> Summary {
        let batches = try database.acceptedBatches()
        var tally = NationalNumberTally()
        for batch in batches {
            try read(batch) { record in
                if let key = NationalNumberTally.key(record["answers"] as? [String: Any] ?? [:]) {
                    tally.count(key, center: batch.center)
                }
            }
        }

        var summary = Summary()
        var output = ExportWriter(format: format, write: write)
        try output.begin()
        for batch in batches where selection.includes(batch) {
            summary.batches += 1
            var failure: (any Error)?
            try read(batch) { record in
                guard failure == nil else { return }
                let answers = record["answers"] as? [String: Any] ?? [:]
                if let unit = selection.unit, answers["unit"] as? String != unit { return }
                let others = NationalNumberTally.key(answers).map(tally.others) ?? (count: 0, otherCenter: false)
                summary.applications += 1
                if others.count > 0 { summary.sameNumber += 1 }
                if others.otherCenter { summary.sameNumberOtherCenter += 1 }
                do {
                    try output.record(
                        record, answers: answers, batch: batch, sameNumber: others.count,
                        otherCenter: others.otherCenter)
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
        }
        try output.finish()
        return summary
    }

    /// Streams the records of a stored batch, after checking that the file still holds the
    /// records accepted at intake.
    private func read(_ batch: AcceptedBatch, _ body: ([String: Any]) -> Void) throws {
        let path = folder.url.appendingPathComponent(batch.file).path
        let contents: BatchContents
        do {
            contents = try withoutActuallyEscaping(body) { body in
                try BatchReader.read(path: path, eachRecord: body)
            }
        } catch {
            throw HQError("cannot read \(path): \(error)")
        }
        guard contents.recordsSHA256 == batch.recordsSHA256, contents.recordCount == batch.recordCount else {
            throw HQError(
                "\(path) no longer holds the records accepted at intake (digest or count differs); nothing exported")
        }
    }
}

extension HQExport.Selection {
    func includes(_ batch: AcceptedBatch) -> Bool {
        (center == nil || batch.center == center) && (since.map { batch.receivedAt >= $0 } ?? true)
    }
}
