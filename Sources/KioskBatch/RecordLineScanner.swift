import Foundation

/// Splits `records.jsonl` into lines as it streams past and takes each line's `reference`,
/// with every size bounded: a line longer than the limit, or more lines than the manifest
/// announces, stops the read before it can cost memory.
struct RecordLineScanner {
    /// The longest reference kept; real ones are about 20 bytes, so this bounds memory per record.
    static let maximumReferenceBytes = 64

    private let maximumLineBytes: Int
    private let expectedCount: Int
    /// The start of a line whose newline has not arrived yet.
    private var pending: [UInt8] = []
    /// The complete lines seen so far.
    private(set) var lineCount = 0
    /// Each line's `reference`, in order.
    private(set) var references: [String] = []
    /// Called with each record's object once it passed the checks.
    var eachRecord: (([String: Any]) -> Void)?

    /// Scans lines of at most `maximumLineBytes` (newline included) and at most `expectedCount` lines.
    init(maximumLineBytes: Int, expectedCount: Int) {
        self.maximumLineBytes = maximumLineBytes
        self.expectedCount = expectedCount
        references.reserveCapacity(min(expectedCount, 1 << 20))
    }

    /// Takes the next piece of the file; lines may span pieces.
    mutating func consume(_ chunk: [UInt8]) throws(BatchError) {
        var start = 0
        while start < chunk.count {
            guard let newline = Self.firstNewline(in: chunk, from: start) else { break }
            let length = pending.count + (newline - start) + 1
            guard length <= maximumLineBytes else { throw lineTooLong() }
            if pending.isEmpty {
                try line(chunk[start..<newline])
            } else {
                pending.append(contentsOf: chunk[start..<newline])
                let whole = pending[...]
                try line(whole)
                pending.removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
        guard start < chunk.count else { return }
        // The rest has no newline yet: keep it, unless it alone already breaks the line limit.
        guard pending.count + (chunk.count - start) + 1 <= maximumLineBytes else { throw lineTooLong() }
        pending.append(contentsOf: chunk[start...])
    }

    /// Ends the scan: the file must end with a newline.
    func finish() throws(BatchError) {
        guard pending.isEmpty else {
            throw BatchError(
                .malformedArchive, "records.jsonl does not end with a newline: line \(lineCount + 1) is incomplete")
        }
    }

    /// Handles one complete line (without its newline).
    private mutating func line(_ bytes: ArraySlice<UInt8>) throws(BatchError) {
        let number = lineCount + 1
        guard lineCount < expectedCount else {
            throw BatchError(
                .countMismatch,
                "records.jsonl has more than \(expectedCount) records but the manifest says count \(expectedCount)")
        }
        // A line must start with "{" and hold no NUL, so the parser cannot guess UTF-16 or
        // UTF-32 from the first bytes: records are UTF-8 only. Never quote the line in a
        // message: it is an applicant's personal data.
        let object =
            bytes.first == UInt8(ascii: "{") && !bytes.contains(0)
            ? try? JSONSerialization.jsonObject(with: Data(bytes)) : nil
        guard let record = object as? [String: Any], let reference = record["reference"] as? String else {
            throw BatchError(
                .malformedArchive, "records.jsonl line \(number) is not a JSON object with a string \"reference\"")
        }
        guard reference.utf8.count <= Self.maximumReferenceBytes else {
            throw BatchError(
                .malformedArchive,
                "records.jsonl line \(number) has a reference longer than \(Self.maximumReferenceBytes) bytes")
        }
        references.append(reference)
        eachRecord?(record)
        lineCount = number
    }

    private func lineTooLong() -> BatchError {
        BatchError(
            .tooLarge, "records.jsonl line \(lineCount + 1) is longer than the limit of \(maximumLineBytes) bytes")
    }

    /// The index of the first "\n" at or after `start`, found with `memchr`.
    private static func firstNewline(in chunk: [UInt8], from start: Int) -> Int? {
        chunk.withUnsafeBytes { buffer -> Int? in
            guard let base = buffer.baseAddress,
                let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }
}
