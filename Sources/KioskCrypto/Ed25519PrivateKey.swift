import COpenSSL

/// An Ed25519 private key: signs messages (pure Ed25519, RFC 8032).
///
/// Owns its `EVP_PKEY`. `@unchecked Sendable` is safe because the handle is immutable
/// after init and OpenSSL 3 allows one fully built `EVP_PKEY` to be used from several
/// threads at once as long as nobody modifies it; each signature is made in its own
/// `EVP_MD_CTX`. The secret never leaves OpenSSL except through `pemRepresentation`.
public final class Ed25519PrivateKey: @unchecked Sendable {
    /// Length of a raw private key (the RFC 8032 seed).
    static let seedByteCount = 32

    private let handle: OpaquePointer

    /// The matching public key, derived once at init.
    public let publicKey: Ed25519PublicKey

    /// Generates a new random key inside OpenSSL.
    public static func generate() throws(CryptoError) -> Ed25519PrivateKey {
        let key = try KeyGenerationContext(algorithm: "ED25519").generate()
        return try Ed25519PrivateKey(adopting: key, operation: "Ed25519PrivateKey.generate()")
    }

    /// Parses an unencrypted PKCS#8 "PRIVATE KEY" PEM block; refuses other algorithms and encrypted keys.
    ///
    /// Encrypted keys fail instead of prompting: a kiosk has no one to type a passphrase.
    public convenience init(pemRepresentation: String) throws(CryptoError) {
        let key = try MemoryBIO(contents: pemRepresentation).readPrivateKey(text: pemRepresentation)
        try self.init(adopting: key, operation: "Ed25519PrivateKey.init(pemRepresentation:)")
    }

    /// Makes the key from its 32-byte seed (the "SECRET KEY" of RFC 8032).
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        let operation = "Ed25519PrivateKey.init(rawRepresentation:)"
        guard rawRepresentation.count == Self.seedByteCount else {
            throw CryptoError(
                operation: operation,
                reason: "an Ed25519 private key is \(Self.seedByteCount) bytes, got \(rawRepresentation.count)")
        }
        guard let key = EVP_PKEY_new_raw_private_key_ex(nil, "ED25519", nil, rawRepresentation, rawRepresentation.count)
        else { throw .openSSL("EVP_PKEY_new_raw_private_key_ex") }
        publicKey = try Self.publicKey(adopting: key, operation: operation)
        handle = key
    }

    /// Takes ownership of `key` (freeing it if it is not an Ed25519 private key).
    private init(adopting key: OpaquePointer, operation: String) throws(CryptoError) {
        publicKey = try Self.publicKey(adopting: key, operation: operation)
        handle = key
    }

    deinit {
        EVP_PKEY_free(handle)
    }

    /// The key as an unencrypted PKCS#8 "PRIVATE KEY" PEM block, as `openssl genpkey` writes it.
    ///
    /// Unencrypted on purpose: protecting the file (permissions, storage) is the caller's job.
    public var pemRepresentation: String {
        get throws(CryptoError) {
            let bio = try MemoryBIO()
            try bio.writePKCS8PrivateKey(handle)
            return try bio.readText()
        }
    }

    /// Signs `message` and returns the 64-byte pure-Ed25519 signature.
    ///
    /// Ed25519 signing is deterministic: the same key and message always give the same signature.
    public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = DigestContext() else { throw .openSSL("EVP_MD_CTX_new") }
        return try context.signEd25519(key: handle, message: message)
    }

    /// Checks that `key` is an Ed25519 private key and derives its public key; frees `key` if it throws.
    private static func publicKey(
        adopting key: OpaquePointer, operation: String
    ) throws(CryptoError) -> Ed25519PublicKey {
        do throws(CryptoError) {
            guard EVP_PKEY_is_a(key, "ED25519") == 1 else {
                throw CryptoError(
                    operation: operation,
                    reason: "expected an Ed25519 private key, got \(Ed25519PublicKey.algorithmName(of: key))")
            }
            var raw = [UInt8](repeating: 0, count: Ed25519PublicKey.byteCount)
            var rawLength = raw.count
            guard EVP_PKEY_get_raw_public_key(key, &raw, &rawLength) == 1, rawLength == raw.count else {
                throw .openSSL("EVP_PKEY_get_raw_public_key")
            }
            return try Ed25519PublicKey(rawRepresentation: raw)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
    }
}
