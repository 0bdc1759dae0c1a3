import COpenSSL

/// Owns one `EVP_MD_CTX`: the state of a digest, sign or verify operation.
///
/// The only type that frees an `EVP_MD_CTX`. The handle never leaves this class, so
/// it cannot outlive its owner; each method uses it while `self` is alive.
final class DigestContext {
    private let handle: OpaquePointer

    /// Allocates a context; nil only if OpenSSL is out of memory.
    init?() {
        guard let handle = EVP_MD_CTX_new() else { return nil }
        self.handle = handle
    }

    deinit {
        EVP_MD_CTX_free(handle)
    }

    // MARK: Digest

    /// Starts a SHA-256 digest; false if OpenSSL refuses.
    func initSHA256() -> Bool {
        EVP_DigestInit_ex(handle, EVP_sha256(), nil) == 1
    }

    /// Feeds bytes into the digest started by `initSHA256()`; false if OpenSSL refuses.
    func update(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return EVP_DigestUpdate(handle, base, bytes.count) == 1
    }

    /// Finishes the digest into `output` (which must hold the whole digest); false if OpenSSL refuses.
    func finalize(into output: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        var length: UInt32 = 0
        return EVP_DigestFinal_ex(handle, output.baseAddress, &length) == 1 && Int(length) == output.count
    }

    // MARK: Ed25519

    /// Signs `message` with the Ed25519 private key `key` (pure Ed25519, no pre-hash).
    ///
    /// Ed25519 is a one-shot algorithm, so the digest is NULL and the whole message is
    /// passed to `EVP_DigestSign` at once.
    func signEd25519(key: OpaquePointer, message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard EVP_DigestSignInit(handle, nil, nil, nil, key) == 1 else {
            throw .openSSL("EVP_DigestSignInit")
        }
        var signature = [UInt8](repeating: 0, count: Ed25519PublicKey.signatureByteCount)
        var length = signature.count
        let status = Self.withNonNullBytes(message) { messagePointer, messageCount in
            signature.withUnsafeMutableBufferPointer { signatureBuffer in
                EVP_DigestSign(handle, signatureBuffer.baseAddress, &length, messagePointer, messageCount)
            }
        }
        guard status == 1 else { throw .openSSL("EVP_DigestSign") }
        guard length == Ed25519PublicKey.signatureByteCount else {
            throw CryptoError(operation: "EVP_DigestSign", reason: "expected a 64-byte signature, got \(length) bytes")
        }
        return signature
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` under public key `key`.
    ///
    /// Any failure, including an OpenSSL error, counts as "not valid"; the error queue is
    /// drained so the failure does not leak into a later, unrelated error report.
    func verifyEd25519(key: OpaquePointer, signature: [UInt8], message: [UInt8]) -> Bool {
        guard EVP_DigestVerifyInit(handle, nil, nil, nil, key) == 1 else {
            drainOpenSSLErrors()
            return false
        }
        let status = Self.withNonNullBytes(message) { messagePointer, messageCount in
            Self.withNonNullBytes(signature) { signaturePointer, signatureCount in
                EVP_DigestVerify(handle, signaturePointer, signatureCount, messagePointer, messageCount)
            }
        }
        if status != 1 { drainOpenSSLErrors() }
        return status == 1
    }

    /// Calls `body` with a non-NULL pointer to `bytes` and their count, even when `bytes` is empty.
    ///
    /// OpenSSL gives some NULL inputs a special meaning ("query the size"), so an empty
    /// message must still be passed as a valid pointer with a zero length.
    private static func withNonNullBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if bytes.isEmpty {
            var zero: UInt8 = 0
            return withUnsafePointer(to: &zero) { body($0, 0) }
        }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
}
