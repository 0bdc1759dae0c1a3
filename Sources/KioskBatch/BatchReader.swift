import KioskCrypto

/// Strict, streaming reader for an untrusted batch archive.
///
/// Headquarters reads batches that may be damaged or hostile, so the reader accepts exactly the
/// archive shape the kiosk writes and nothing else, checks every declared size against a limit
/// and against the file before allocating for it, and keeps only digests and references of the
/// records: it cannot crash, loop or run out of memory on any input.
public struct BatchReader {
    /// Upper bounds on what one batch may make the reader hold or process.
    public struct Limits: Sendable {
        /// The largest accepted `manifest.json` (it is held in memory).
        public var maxManifestBytes = 16 << 20
        /// The largest accepted records entry (it is streamed, never held).
        public var maxRecordsBytes = 1 << 34
        /// The longest accepted line of `records.jsonl`, newline included (one line is held at a time).
        public var maxRecordLineBytes = 1 << 20
        /// How many zero bytes may follow the two end-of-archive blocks.
        public var maxTrailingPaddingBytes = 1 << 20

        /// The default limits.
        public init() {}
    }

    /// Reads the whole archive at `path`, streaming the records, and returns what it holds.
    ///
    /// Checks the tar structure: exactly `manifest.json`, the records entry the manifest's format
    /// names (`records.sealed`, or `records.jsonl` in format 1), `manifest.sig` in that order,
    /// regular files, valid header checksums, octal sizes, POSIX ustar magic, zero padding, two
    /// zero end blocks and nothing after them but zero blocks. It also decodes the manifest
    /// strictly. Records in clear, or sealed ones when `open` is given, are scanned: each line
    /// must be a JSON object with a string `reference`. Sealed records without `open` are only
    /// hashed: headquarters' intake cannot read them, and does not need to.
    /// It does not check the signature, digest, count or chain: that is `BatchVerifier`.
    ///
    /// `open`, given the decoded manifest, returns the opener for its sealed records (or throws,
    /// for instance when no opening key matches the manifest's sealing key).
    /// `eachRecord`, when given, receives each record's decoded JSON object as it streams past
    /// (one at a time, never all of them): how `kiosk-hq export` reads a stored batch.
    public static func read(
        path: String, limits: Limits = .init(),
        open: ((_ manifest: BatchManifest) throws(BatchError) -> any SealedRecordsOpener)? = nil,
        eachRecord: ((_ record: [String: Any]) -> Void)? = nil
    ) throws(BatchError) -> BatchContents {
        let input = try ArchiveInput(path: path)
        let reader = BatchReader(input: input, limits: limits, open: open, eachRecord: eachRecord)
        return try reader.read()
    }

    /// Reads only the bytes of `manifest.json` and `manifest.sig`, seeking past the records,
    /// and decodes nothing.
    ///
    /// Headquarters checks the center's signature over these bytes before it parses the manifest
    /// or reads a record: an unsigned upload then costs one signature check, whatever it holds.
    /// The entries' headers are checked as `read` checks them; the records entry may have either
    /// name, since the manifest that says which is not decoded here.
    public static func signedManifest(
        path: String, limits: Limits = .init()
    ) throws(BatchError) -> (manifest: [UInt8], signature: [UInt8]) {
        let input = try ArchiveInput(path: path)
        let reader = BatchReader(input: input, limits: limits)
        let manifest = try reader.manifestEntry()
        let recordsSize = try reader.header(entry: 2, limit: limits.maxRecordsBytes, names: BatchEntry.recordsNames)
        try input.skip(recordsSize + TarWriter.padding(after: recordsSize).count)
        return (manifest, try reader.signatureEntry())
    }

    /// Records are read and hashed in pieces of this size.
    static let chunkBytes = 64 << 10

    private let input: ArchiveInput
    private let limits: Limits
    private let open: ((BatchManifest) throws(BatchError) -> any SealedRecordsOpener)?
    private let eachRecord: (([String: Any]) -> Void)?

    private init(
        input: ArchiveInput, limits: Limits,
        open: ((BatchManifest) throws(BatchError) -> (any SealedRecordsOpener))? = nil,
        eachRecord: (([String: Any]) -> Void)? = nil
    ) {
        self.input = input
        self.limits = limits
        self.open = open
        self.eachRecord = eachRecord
    }

    private func read() throws(BatchError) -> BatchContents {
        guard input.fileSize % TarHeader.blockSize == 0 else {
            throw BatchError(
                .malformedArchive,
                "the file is \(input.fileSize) bytes, not a whole number of 512-byte tar blocks (truncated?)")
        }
        guard input.fileSize > 0 else {
            throw BatchError(.malformedArchive, "the file is empty; a batch is a tar archive")
        }

        let manifestBytes = try manifestEntry()
        let manifest = try BatchManifest.decode(manifestBytes)

        let recordsSize = try header(entry: 2, limit: limits.maxRecordsBytes, names: [manifest.recordsEntry])
        let (recordsSHA256, scanner) = try records(size: recordsSize, manifest: manifest)
        try padding(entry: 2, size: recordsSize)

        let signature = try signatureEntry()
        try end()
        return BatchContents(
            manifestBytes: manifestBytes, manifest: manifest, signature: signature, recordsSHA256: recordsSHA256,
            recordCount: scanner?.lineCount ?? 0, recordReferences: scanner?.references ?? [],
            recordsSeen: scanner != nil)
    }

    /// Entry 1: the bytes of `manifest.json`, not decoded.
    private func manifestEntry() throws(BatchError) -> [UInt8] {
        let size = try header(entry: 1, limit: limits.maxManifestBytes)
        let bytes = try contents(of: BatchEntry.manifest, size: size)
        try padding(entry: 1, size: size)
        return bytes
    }

    /// Entry 3: the 64 bytes of `manifest.sig`.
    private func signatureEntry() throws(BatchError) -> [UInt8] {
        // Any plausible size passes the header check so that a wrong one is reported as what it
        // is, a bad signature; nothing is read before the size is known to be exactly 64.
        let size = try header(entry: 3, limit: limits.maxManifestBytes)
        guard size == BatchEntry.signatureBytes else {
            throw BatchError(
                .badSignature,
                "manifest.sig is \(size) bytes; an Ed25519 signature is \(BatchEntry.signatureBytes) bytes")
        }
        let signature = try contents(of: BatchEntry.signature, size: size)
        try padding(entry: 3, size: size)
        return signature
    }

    // MARK: Entries

    /// Reads and checks the header of entry `entry` (1-based) and returns its size.
    ///
    /// The size is checked against `limit` before anything else is read, so that an absurd
    /// declared size is refused as too large rather than allocated or waited for.
    private func header(entry: Int, limit: Int, names: [String]? = nil) throws(BatchError) -> Int {
        let accepted = names ?? [BatchEntry.all[entry - 1]]
        let expected = accepted[0]
        let block = try input.read(upTo: TarHeader.blockSize)
        if block.isEmpty {
            throw BatchError(
                .malformedArchive,
                "the archive ends after \(entry - 1) entries; expected \"\(expected)\" as entry \(entry)")
        }
        guard block.count == TarHeader.blockSize else {
            throw BatchError(.malformedArchive, "the archive is truncated inside the header of entry \(entry)")
        }
        if block.allSatisfy({ $0 == 0 }) {
            throw BatchError(
                .malformedArchive,
                "the archive ends (zero block) after \(entry - 1) entries; expected \"\(expected)\" as entry \(entry)")
        }
        let header = try TarHeader(parsing: block, entry: entry)
        guard accepted.contains(where: { header.name == Array($0.utf8) }) else {
            throw BatchError(
                .malformedArchive,
                "entry \(entry) is \(DisplayText.quoted(bytes: header.name)), expected \"\(expected)\"")
        }
        guard header.typeflag == TarHeader.regularFile else {
            throw BatchError(
                .malformedArchive,
                "entry \(entry) \"\(expected)\" is \(TarHeader.describe(typeflag: header.typeflag)), "
                    + "expected a regular file")
        }
        guard header.size <= limit else {
            throw BatchError(
                .tooLarge, "\(expected) is \(header.size) bytes, over the limit of \(limit) bytes")
        }
        guard header.size <= input.remaining else {
            throw BatchError(
                .malformedArchive,
                "entry \(entry) \"\(expected)\" declares \(header.size) bytes but only \(input.remaining) remain "
                    + "in the file")
        }
        return header.size
    }

    /// Reads the `size` bytes of a small entry.
    private func contents(of name: String, size: Int) throws(BatchError) -> [UInt8] {
        let bytes = try input.read(upTo: size)
        guard bytes.count == size else {
            throw BatchError(.malformedArchive, "the archive is truncated inside \"\(name)\"")
        }
        return bytes
    }

    /// Streams the records entry, one chunk at a time: hashes it and scans its lines (after opening
    /// them, for sealed records with `open`). The scanner is nil when sealed records went unopened.
    private func records(size: Int, manifest: BatchManifest) throws(BatchError) -> (String, RecordLineScanner?) {
        let hasher = SHA256Hasher()
        var opener: (any SealedRecordsOpener)?
        var scanner: RecordLineScanner?
        if !manifest.isSealed || open != nil {
            if manifest.isSealed, let open { opener = try open(manifest) }
            scanner = RecordLineScanner(maximumLineBytes: limits.maxRecordLineBytes, expectedCount: manifest.count)
            scanner?.eachRecord = eachRecord
        }
        var remaining = size
        while remaining > 0 {
            let chunk = try input.read(upTo: min(remaining, Self.chunkBytes))
            guard !chunk.isEmpty else {
                throw BatchError(.malformedArchive, "the archive is truncated inside \"\(manifest.recordsEntry)\"")
            }
            hasher.update(chunk)
            if opener != nil {
                try Self.opening { () throws in
                    try opener?.consume(chunk) { plaintext in try scanner?.consume(plaintext) }
                }
            } else {
                try scanner?.consume(chunk)
            }
            remaining -= chunk.count
        }
        if let opener { try Self.opening { try opener.finish() } }
        try scanner?.finish()
        return (hasher.finalize().hex, scanner)
    }

    /// Runs an opener step, turning its error (KioskSeal's `SealError`) into a `BatchError`
    /// (`.cannotOpen`); a `BatchError` from the line scanner passes as it is.
    private static func opening(_ body: () throws -> Void) throws(BatchError) {
        do {
            try body()
        } catch let error as BatchError {
            throw error
        } catch {
            throw BatchError(.cannotOpen, "\(BatchEntry.sealedRecords): \(error)")
        }
    }

    /// Reads the zeros that fill the last block of entry `entry`; anything else there is refused.
    private func padding(entry: Int, size: Int) throws(BatchError) {
        let count = TarWriter.padding(after: size).count
        let bytes = try input.read(upTo: count)
        guard bytes.count == count else {
            throw BatchError(
                .malformedArchive, "the archive is truncated in the padding of entry \(entry) \"\(name(entry))\"")
        }
        guard bytes.allSatisfy({ $0 == 0 }) else {
            throw BatchError(
                .malformedArchive, "entry \(entry) \"\(name(entry))\" has non-zero bytes in the padding after its data")
        }
    }

    /// Checks the end of the archive: two zero blocks, then only zeros (whole blocks) up to a limit.
    private func end() throws(BatchError) {
        let first = try input.read(upTo: TarHeader.blockSize)
        if first.isEmpty {
            throw BatchError(.malformedArchive, "the archive lacks its two zero end blocks (truncated?)")
        }
        if !first.allSatisfy({ $0 == 0 }) {
            if first.count == TarHeader.blockSize, let extra = try? TarHeader(parsing: first, entry: 4) {
                throw BatchError(
                    .malformedArchive,
                    "the archive has a 4th entry \(DisplayText.quoted(bytes: extra.name)); a batch holds exactly "
                        + BatchEntry.all.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            throw BatchError(.malformedArchive, "unexpected data after manifest.sig where the end blocks should be")
        }
        let second = try input.read(upTo: TarHeader.blockSize)
        guard second.count == TarHeader.blockSize else {
            throw BatchError(.malformedArchive, "the archive lacks its second zero end block (truncated?)")
        }
        guard second.allSatisfy({ $0 == 0 }) else {
            throw BatchError(.malformedArchive, "unexpected data in the second end-of-archive block")
        }
        var trailing = 0
        while true {
            let chunk = try input.read(upTo: Self.chunkBytes)
            if chunk.isEmpty { break }
            trailing += chunk.count
            guard trailing <= limits.maxTrailingPaddingBytes else {
                throw BatchError(
                    .malformedArchive,
                    "more than \(limits.maxTrailingPaddingBytes) bytes follow the end of the archive")
            }
            guard chunk.allSatisfy({ $0 == 0 }) else {
                throw BatchError(.malformedArchive, "non-zero data follows the end of the archive")
            }
        }
        guard trailing % TarHeader.blockSize == 0 else {
            throw BatchError(.malformedArchive, "the archive ends with a partial 512-byte block")
        }
    }

    private func name(_ entry: Int) -> String {
        BatchEntry.all[entry - 1]
    }
}
