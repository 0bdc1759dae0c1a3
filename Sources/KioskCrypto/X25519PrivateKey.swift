import COpenSSL

/// An X25519 private key (RFC 7748): headquarters' opening key, which opens sealed records.
///
/// Generated, read and written by OpenSSL (PKCS#8 "PRIVATE KEY" PEM, as `openssl genpkey
/// -algorithm X25519` writes it). HPKE needs the 32 raw bytes (`rawRepresentation`), so unlike
/// the center's signing key this secret does pass through Swift memory; it is only ever loaded
/// by `kiosk-hq export`, never by the intake server.
public struct X25519PrivateKey: Sendable {
    /// Length of a raw X25519 private key.
    public static let byteCount = 32

    /// The 32-byte private key as defined in RFC 7748.
    public let rawRepresentation: [UInt8]
    /// The matching public key.
    public let publicKey: X25519PublicKey
    /// The key as an unencrypted PKCS#8 "PRIVATE KEY" PEM block.
    public let pemRepresentation: String

    /// Generates a new random key inside OpenSSL.
    public static func generate() throws(CryptoError) -> X25519PrivateKey {
        let key = try KeyGenerationContext(algorithm: "X25519").generate()
        defer { EVP_PKEY_free(key) }
        return try X25519PrivateKey(key: key, operation: "X25519PrivateKey.generate()")
    }

    /// Parses an unencrypted PKCS#8 "PRIVATE KEY" PEM block; refuses other algorithms and encrypted keys.
    public init(pemRepresentation: String) throws(CryptoError) {
        let key = try MemoryBIO(contents: pemRepresentation).readPrivateKey(text: pemRepresentation)
        defer { EVP_PKEY_free(key) }
        try self.init(key: key, operation: "X25519PrivateKey.init(pemRepresentation:)")
    }

    /// Makes the key from its 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        let operation = "X25519PrivateKey.init(rawRepresentation:)"
        guard rawRepresentation.count == Self.byteCount else {
            throw CryptoError(
                operation: operation,
                reason: "an X25519 private key is \(Self.byteCount) bytes, got \(rawRepresentation.count)")
        }
        guard let key = EVP_PKEY_new_raw_private_key_ex(nil, "X25519", nil, rawRepresentation, rawRepresentation.count)
        else { throw .openSSL("EVP_PKEY_new_raw_private_key_ex") }
        defer { EVP_PKEY_free(key) }
        try self.init(key: key, operation: operation)
    }

    /// Reads everything from `key` (which the caller frees).
    private init(key: OpaquePointer, operation: String) throws(CryptoError) {
        guard EVP_PKEY_is_a(key, "X25519") == 1 else {
            throw CryptoError(
                operation: operation,
                reason: "expected an X25519 private key, got \(PublicKeyEncodings.algorithmName(of: key))")
        }
        var raw = [UInt8](repeating: 0, count: Self.byteCount)
        var rawLength = raw.count
        guard EVP_PKEY_get_raw_private_key(key, &raw, &rawLength) == 1, rawLength == raw.count else {
            throw .openSSL("EVP_PKEY_get_raw_private_key")
        }
        rawRepresentation = raw
        publicKey = try X25519PublicKey(
            rawRepresentation: PublicKeyEncodings.of(
                key, algorithm: "X25519", byteCount: X25519PublicKey.byteCount, operation: operation
            ).raw)
        let bio = try MemoryBIO()
        try bio.writePKCS8PrivateKey(key)
        pemRepresentation = try bio.readText()
    }
}
