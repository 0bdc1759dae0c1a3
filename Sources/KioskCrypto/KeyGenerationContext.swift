import COpenSSL

/// Owns one `EVP_PKEY_CTX` used to generate a fresh key pair.
///
/// The only type that frees an `EVP_PKEY_CTX`. Generating inside OpenSSL keeps the
/// secret seed out of Swift memory, which cannot be reliably wiped.
final class KeyGenerationContext {
    private let handle: OpaquePointer

    /// Prepares key generation for the OpenSSL algorithm `name` (for example `"ED25519"`).
    init(algorithm name: String) throws(CryptoError) {
        guard let handle = EVP_PKEY_CTX_new_from_name(nil, name, nil) else {
            throw .openSSL("EVP_PKEY_CTX_new_from_name(\(name))")
        }
        self.handle = handle
    }

    deinit {
        EVP_PKEY_CTX_free(handle)
    }

    /// Generates a key; the caller owns (and must free) the returned `EVP_PKEY`.
    func generate() throws(CryptoError) -> OpaquePointer {
        guard EVP_PKEY_keygen_init(handle) == 1 else { throw .openSSL("EVP_PKEY_keygen_init") }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(handle, &key) == 1, let key else { throw .openSSL("EVP_PKEY_generate") }
        return key
    }
}
