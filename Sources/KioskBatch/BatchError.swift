/// Why a batch could not be written, read or verified, worded so that an operator at headquarters
/// knows exactly which part of which file is wrong.
///
/// Messages name entries, fields, line numbers, sizes and digests, never the contents of a record:
/// records carry personal data and error messages end up in logs.
public struct BatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem, for callers that react differently (reject, quarantine, retry).
    public enum Code: Sendable, Equatable {
        /// The tar structure is wrong: entries, headers, padding, or a records line that is not a record.
        case malformedArchive
        /// `manifest.json` is not a valid, canonical `kiosk-batch/2` (or `/1`) manifest.
        case malformedManifest
        /// `manifest.sig` does not verify over the manifest bytes.
        case badSignature
        /// The manifest names a different signing key than the one used to verify.
        case wrongKey
        /// The SHA-256 of the records entry differs from the manifest's `records_sha256`.
        case digestMismatch
        /// The number of records differs from the manifest's `count`.
        case countMismatch
        /// The records' reference numbers differ from the manifest's `references`.
        case referencesMismatch
        /// The sealed records do not open: another key, or changed bytes.
        case cannotOpen
        /// The batch does not follow the previous batch of its center.
        case brokenChain
        /// Something is bigger than the reader's limits; nothing that size was allocated.
        case tooLarge
        /// The operating system refused a read or a write.
        case io
    }

    /// The kind of problem.
    public let code: Code
    /// What exactly is wrong, for a log line or an operator.
    public let message: String

    /// Makes an error of kind `code` with a precise `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message alone: it already says what is wrong and where.
    public var description: String { message }
}
