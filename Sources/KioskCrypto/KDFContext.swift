import COpenSSL

/// Owns one `EVP_KDF_CTX`: a key-derivation function with its parameters.
///
/// The only type that frees an `EVP_KDF_CTX` (and the `EVP_KDF` fetched to make it).
/// Each parameter is set by its own `EVP_KDF_CTX_set_params` call so that the C strings
/// and values an `OSSL_PARAM` points to only need to live for that one call.
final class KDFContext {
    private let handle: OpaquePointer

    /// Fetches the OpenSSL KDF `name` (for example `"SCRYPT"`) from the default providers.
    init(algorithm name: String) throws(CryptoError) {
        guard let kdf = EVP_KDF_fetch(nil, name, nil) else { throw .openSSL("EVP_KDF_fetch(\(name))") }
        // The context holds its own reference to the algorithm, so ours is released at once.
        defer { EVP_KDF_free(kdf) }
        guard let handle = EVP_KDF_CTX_new(kdf) else { throw .openSSL("EVP_KDF_CTX_new(\(name))") }
        self.handle = handle
    }

    deinit {
        // Frees with OPENSSL_clear_free internally, so copied passwords are wiped.
        EVP_KDF_CTX_free(handle)
    }

    /// Sets the octet-string parameter `name` (OpenSSL copies `value`).
    func set(_ name: String, octets value: [UInt8]) throws(CryptoError) {
        let ok = name.withCString { key in
            value.withUnsafeBytes { bytes in
                apply(
                    OSSL_PARAM_construct_octet_string(
                        key, UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count))
            }
        }
        guard ok else { throw .openSSL("EVP_KDF_CTX_set_params(\(name))") }
    }

    /// Sets the `uint64_t` parameter `name`.
    func set(_ name: String, uint64 value: UInt64) throws(CryptoError) {
        var value = value
        let ok = name.withCString { key in
            withUnsafeMutablePointer(to: &value) { apply(OSSL_PARAM_construct_uint64(key, $0)) }
        }
        guard ok else { throw .openSSL("EVP_KDF_CTX_set_params(\(name))") }
    }

    /// Sets the `uint32_t` parameter `name`.
    func set(_ name: String, uint32 value: UInt32) throws(CryptoError) {
        var value = value
        let ok = name.withCString { key in
            withUnsafeMutablePointer(to: &value) { apply(OSSL_PARAM_construct_uint32(key, $0)) }
        }
        guard ok else { throw .openSSL("EVP_KDF_CTX_set_params(\(name))") }
    }

    /// Runs the KDF with the parameters set so far and returns `length` bytes.
    func derive(length: Int) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let status = output.withUnsafeMutableBufferPointer { EVP_KDF_derive(handle, $0.baseAddress, $0.count, nil) }
        guard status == 1 else { throw .openSSL("EVP_KDF_derive") }
        return output
    }

    /// Passes one parameter (plus the terminating end marker) to the context.
    private func apply(_ parameter: OSSL_PARAM) -> Bool {
        var parameters = [parameter, OSSL_PARAM_construct_end()]
        return EVP_KDF_CTX_set_params(handle, &parameters) == 1
    }
}
