/// Why records could not be sealed or opened.
public struct SealError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react differently.
    public enum Code: String, Sendable {
        /// The key cannot be used (not an X25519 key of the right length).
        case badKey
        /// The first chunk does not open: sealed to another key, or for another center or sequence.
        case wrongKey
        /// A later chunk does not open, or the framing is broken: the bytes were changed.
        case damaged
        /// The bytes end before the last chunk.
        case truncated
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, without any record content.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
