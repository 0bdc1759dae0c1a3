import Foundation
import KioskBatch
import KioskCrypto
import KioskSeal

/// `kiosk-hq export`: the applications headquarters holds, one a line, as JSON lines or as CSV
/// that a spreadsheet opens correctly, each flagged when another application held here has the
/// same national number (RNOKPP or Lithuanian personal code), across centers.
///
/// It streams: batches are read one record at a time, twice (a first pass counts the national
/// numbers of every stored batch and checks each file against the digest accepted at intake,
/// its signature, and the count and references of its opened records against the manifest, so
/// nothing is written from a damaged file; the second writes the selected records).
///
/// Sealed batches (`kiosk-batch/2`) are opened with the opening key whose public key the
/// manifest names; batches of format 1, stored in clear before intake took sealed batches
/// only, are read as they are.
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
    let store: any HQStore
    /// The opening keys by the fingerprint of their public key.
    let openingKeys: [String: X25519PrivateKey]

    /// - Parameter openingKeys: headquarters' opening keys, the current one and any retired ones
    ///   that batches still held here were sealed to.
    public init(folder: HQFolder, store: any HQStore, openingKeys: [X25519PrivateKey]) {
        self.folder = folder
        self.store = store
        self.openingKeys = Dictionary(openingKeys.map { ($0.publicKey.fingerprint, $0) }) { first, _ in first }
    }

    /// Export from the data folder's SQLite database.
    public init(folder: HQFolder, database: HQDatabase, openingKeys: [X25519PrivateKey]) {
        self.init(folder: folder, store: SQLiteHQStore(database), openingKeys: openingKeys)
    }

    /// Writes the selected applications through `write` (text in pieces, in order).
    public func run(
        _ selection: Selection, format: Format, write: @escaping (String) throws -> Void
    ) async throws -> Summary {
        let batches = try await store.acceptedBatches()
        var keys: [String: Ed25519PublicKey] = [:]
        for center in Set(batches.map(\.center)) {
            keys[center] = try await centerKey(center)
        }
        var tally = NationalNumberTally()
        for batch in batches {
            try await read(batch, key: keys[batch.center]!) { record in
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
            try await read(batch, key: keys[batch.center]!) { record in
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

    /// Streams the records of a stored batch (opening them when sealed), then checks that the
    /// file still holds the batch accepted at intake: digest, signature, count and references.
    private func read(_ batch: AcceptedBatch, key: Ed25519PublicKey, _ body: ([String: Any]) -> Void) async throws {
        try await store.withArchive(of: batch, folder: folder) { path in
            try read(batch, path: path, key: key, body)
        }
    }

    private func read(
        _ batch: AcceptedBatch, path: String, key: Ed25519PublicKey, _ body: ([String: Any]) -> Void
    ) throws {
        let name = "\(batch.center) batch \(batch.sequence) (\(path))"
        let contents: BatchContents
        do {
            contents = try withoutActuallyEscaping(body) { body in
                try BatchReader.read(path: path, open: opener, eachRecord: body)
            }
        } catch let error as BatchError where error.code == .cannotOpen {
            let sealedTo = (try? BatchManifest.decode(batch.manifest))?.sealingKeyFingerprint ?? "unknown"
            throw HQError(
                "cannot open \(name), its records sealed to key \(sealedTo): \(error.message)"
                    + "\(changedOnDisk(batch, path: path)); nothing exported")
        } catch {
            throw HQError("cannot read \(name): \(error); nothing exported")
        }
        guard contents.recordsSHA256 == batch.recordsSHA256, contents.recordCount == batch.recordCount else {
            throw HQError(
                "\(name) no longer holds the records accepted at intake (digest or count differs); nothing exported")
        }
        do {
            try BatchVerifier.verify(contents, key: key, previous: nil)
        } catch {
            throw HQError("\(name) does not verify: \(error); nothing exported")
        }
    }

    /// The opener for a sealed batch, with the opening key its manifest names.
    private func opener(_ manifest: BatchManifest) throws(BatchError) -> RecordOpener {
        let sealedTo = manifest.sealingKeyFingerprint ?? "none"
        guard let key = openingKeys[sealedTo] else {
            throw BatchError(
                .cannotOpen,
                "no opening key given matches it: the opening keys given have the public keys "
                    + "\(openingKeys.keys.sorted().joined(separator: ", ")); give the opening key of \(sealedTo) "
                    + "with --opening-key")
        }
        do {
            return try RecordOpener(key: key, center: manifest.center, sequence: manifest.sequence)
        } catch {
            throw BatchError(.cannotOpen, "opening key \(sealedTo) cannot be used: \(error.message)")
        }
    }

    /// When the records do not open: ", and the file no longer holds ..." if its bytes changed
    /// since intake (read again, hashed only), else nothing.
    private func changedOnDisk(_ batch: AcceptedBatch, path: String) -> String {
        guard let contents = try? BatchReader.read(path: path), contents.recordsSHA256 != batch.recordsSHA256 else {
            return ""
        }
        return "; the file no longer holds the records accepted at intake (its digest differs)"
    }

    /// The registered key of `center`, which signed its batches.
    private func centerKey(_ center: String) async throws -> Ed25519PublicKey {
        guard let record = try await store.center(code: center) else {
            throw HQError("center \(center) is not registered")
        }
        return try Ed25519PublicKey(pemRepresentation: record.publicKeyPEM)
    }
}

extension HQExport.Selection {
    func includes(_ batch: AcceptedBatch) -> Bool {
        (center == nil || batch.center == center) && (since.map { batch.receivedAt >= $0 } ?? true)
    }
}
