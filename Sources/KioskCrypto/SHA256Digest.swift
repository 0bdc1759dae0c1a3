import KioskSupport

/// A 32-byte SHA-256 digest, printed as lower-case hex.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    /// Digest length in bytes.
    static let byteCount = 32

    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps bytes that are known to be a digest (produced by this module).
    init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a SHA-256 digest is 32 bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    /// Parses 64 hex characters (either case); nil for anything else.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// The digest as 64 lower-case hex characters.
    public var hex: String { Hex.encode(bytes) }

    /// Same as `hex`, so the digest prints the way `sha256sum` does.
    public var description: String { hex }
}
