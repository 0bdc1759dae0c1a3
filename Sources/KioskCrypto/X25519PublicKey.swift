import COpenSSL

/// An X25519 public key (RFC 7748): headquarters' sealing key, to which the kiosk seals records.
///
/// Read and written by OpenSSL, so the PEM files are those of `openssl genpkey -algorithm X25519`
/// and `openssl pkey -pubout`. The sealing itself (HPKE) uses `rawRepresentation`.
public struct X25519PublicKey: Sendable, Equatable {
    /// Length of a raw X25519 public key.
    public static let byteCount = 32

    /// The 32-byte public key as defined in RFC 7748.
    public let rawRepresentation: [UInt8]
    /// The SubjectPublicKeyInfo DER encoding (44 bytes), as `openssl pkey -pubout -outform DER` writes it.
    public let derRepresentation: [UInt8]
    /// The SubjectPublicKeyInfo as a "PUBLIC KEY" PEM block, as `openssl pkey -pubout` writes it.
    public let pemRepresentation: String

    /// Parses a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM block; refuses keys of other algorithms.
    public init(pemRepresentation: String) throws(CryptoError) {
        let key = try MemoryBIO(contents: pemRepresentation).readPublicKey(text: pemRepresentation)
        defer { EVP_PKEY_free(key) }
        try self.init(
            encodings: PublicKeyEncodings.of(
                key, algorithm: "X25519", byteCount: Self.byteCount,
                operation: "X25519PublicKey.init(pemRepresentation:)"))
    }

    /// Wraps a 32-byte raw public key.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        let operation = "X25519PublicKey.init(rawRepresentation:)"
        guard rawRepresentation.count == Self.byteCount else {
            throw CryptoError(
                operation: operation,
                reason: "an X25519 public key is \(Self.byteCount) bytes, got \(rawRepresentation.count)")
        }
        guard let key = EVP_PKEY_new_raw_public_key_ex(nil, "X25519", nil, rawRepresentation, rawRepresentation.count)
        else { throw .openSSL("EVP_PKEY_new_raw_public_key_ex") }
        defer { EVP_PKEY_free(key) }
        try self.init(
            encodings: PublicKeyEncodings.of(key, algorithm: "X25519", byteCount: Self.byteCount, operation: operation))
    }

    private init(encodings: PublicKeyEncodings) {
        rawRepresentation = encodings.raw
        derRepresentation = encodings.der
        pemRepresentation = encodings.pem
    }

    /// Lower-case hex SHA-256 of `derRepresentation`: the same value as
    /// `openssl pkey -pubin -outform DER | sha256sum`, as a batch manifest names it.
    public var fingerprint: String { SHA256.hash(derRepresentation).hex }

    /// Keys are equal when their raw 32 bytes are equal.
    public static func == (lhs: X25519PublicKey, rhs: X25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }
}
