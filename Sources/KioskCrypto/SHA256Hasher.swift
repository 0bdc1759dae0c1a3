/// Streaming SHA-256: feed data in pieces with `update`, then call `finalize()` once.
///
/// For hashing data that is not all in memory at once (a file read in chunks). Not
/// `Sendable`: it holds mutable digest state, so use one hasher from one task.
///
/// Like `SHA256.hash`, an OpenSSL failure here (practically impossible) is a
/// precondition failure with OpenSSL's reason, not a thrown error.
public final class SHA256Hasher {
    private let context: DigestContext
    private var isFinalized = false

    /// Starts a new SHA-256 computation.
    public init() {
        guard let context = DigestContext() else {
            preconditionFailure("OpenSSL could not allocate an EVP_MD_CTX for SHA-256")
        }
        guard context.initSHA256() else {
            preconditionFailure("OpenSSL SHA-256 init failed: \(drainOpenSSLErrors() ?? "unknown OpenSSL error")")
        }
        self.context = context
    }

    /// Appends `data` to the hashed input; contiguous storage is hashed in place.
    ///
    /// - Precondition: `finalize()` has not been called yet.
    public func update<D: Collection>(_ data: D) where D.Element == UInt8 {
        precondition(!isFinalized, "SHA256Hasher.update called after finalize()")
        let hashed: Void? = data.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            Array(data).withUnsafeBytes { update($0) }
        }
    }

    /// Returns the digest of everything passed to `update`.
    ///
    /// Callable once: OpenSSL's digest state is consumed by finalisation, so a second call
    /// (or an `update` after it) is a precondition failure. Start a new hasher instead.
    public func finalize() -> SHA256Digest {
        precondition(!isFinalized, "SHA256Hasher.finalize() called twice")
        isFinalized = true
        var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        let ok = output.withUnsafeMutableBufferPointer { context.finalize(into: $0) }
        guard ok else {
            preconditionFailure("OpenSSL SHA-256 final failed: \(drainOpenSSLErrors() ?? "unknown OpenSSL error")")
        }
        return SHA256Digest(bytes: output)
    }

    private func update(_ bytes: UnsafeRawBufferPointer) {
        guard context.update(bytes) else {
            preconditionFailure("OpenSSL SHA-256 update failed: \(drainOpenSSLErrors() ?? "unknown OpenSSL error")")
        }
    }
}

/// Deliberately not Sendable: the digest state is mutated by `update` and `finalize`.
@available(*, unavailable)
extension SHA256Hasher: Sendable {}
