import COpenSSL

/// An Ed25519 public key: verifies signatures and identifies a signer by fingerprint.
///
/// Owns its `EVP_PKEY`. `@unchecked Sendable` is safe because the handle and every
/// stored encoding are immutable after init, and OpenSSL 3 allows one fully built
/// `EVP_PKEY` to be used from several threads at once as long as nobody modifies it;
/// each verification runs in its own `EVP_MD_CTX`.
public final class Ed25519PublicKey: @unchecked Sendable, Equatable {
    /// Length of a raw public key.
    static let byteCount = 32
    /// Length of an Ed25519 signature.
    static let signatureByteCount = 64

    private let handle: OpaquePointer

    /// The 32-byte public key as defined in RFC 8032.
    public let rawRepresentation: [UInt8]
    /// The SubjectPublicKeyInfo DER encoding (44 bytes), as `openssl pkey -pubout -outform DER` writes it.
    public let derRepresentation: [UInt8]
    /// The SubjectPublicKeyInfo as a "PUBLIC KEY" PEM block, as `openssl pkey -pubout` writes it.
    public let pemRepresentation: String

    /// Parses a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM block; refuses keys of other algorithms.
    public convenience init(pemRepresentation: String) throws(CryptoError) {
        let key = try MemoryBIO(contents: pemRepresentation).readPublicKey(text: pemRepresentation)
        try self.init(adopting: key, operation: "Ed25519PublicKey.init(pemRepresentation:)")
    }

    /// Wraps a 32-byte raw public key.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        let operation = "Ed25519PublicKey.init(rawRepresentation:)"
        guard rawRepresentation.count == Self.byteCount else {
            throw CryptoError(
                operation: operation,
                reason: "an Ed25519 public key is \(Self.byteCount) bytes, got \(rawRepresentation.count)")
        }
        guard let key = EVP_PKEY_new_raw_public_key_ex(nil, "ED25519", nil, rawRepresentation, rawRepresentation.count)
        else { throw .openSSL("EVP_PKEY_new_raw_public_key_ex") }
        let encodings = try Self.encodings(adopting: key, operation: operation)
        handle = key
        self.rawRepresentation = encodings.raw
        derRepresentation = encodings.der
        pemRepresentation = encodings.pem
    }

    /// Takes ownership of `key` (freeing it if it is not a usable Ed25519 key).
    private init(adopting key: OpaquePointer, operation: String) throws(CryptoError) {
        let encodings = try Self.encodings(adopting: key, operation: operation)
        handle = key
        rawRepresentation = encodings.raw
        derRepresentation = encodings.der
        pemRepresentation = encodings.pem
    }

    deinit {
        EVP_PKEY_free(handle)
    }

    /// Lower-case hex SHA-256 of `derRepresentation`: the same value as
    /// `openssl pkey -pubout -outform DER | sha256sum`, for pinning a trusted key.
    public var fingerprint: String { SHA256.hash(derRepresentation).hex }

    /// Whether `signature` is a valid pure-Ed25519 signature of `message` by this key.
    ///
    /// Returns false, rather than throwing, for any malformed input (such as a signature
    /// that is not 64 bytes) and in the practically impossible case that OpenSSL cannot
    /// allocate a context: a signature is only ever accepted when it verified.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == Self.signatureByteCount, let context = DigestContext() else { return false }
        return context.verifyEd25519(key: handle, signature: signature, message: message)
    }

    /// Keys are equal when their raw 32 bytes are equal (public data, so no constant-time need).
    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    // MARK: Encodings

    private typealias Encodings = PublicKeyEncodings

    /// Checks that `key` is Ed25519 and computes its encodings; frees `key` if it throws.
    private static func encodings(adopting key: OpaquePointer, operation: String) throws(CryptoError) -> Encodings {
        try PublicKeyEncodings.of(adopting: key, algorithm: "ED25519", byteCount: byteCount, operation: operation)
    }

    /// OpenSSL's name for the key's algorithm ("RSA", "EC", ...), for error messages.
    static func algorithmName(of key: OpaquePointer) -> String {
        PublicKeyEncodings.algorithmName(of: key)
    }
}
