import COpenSSL

/// The encodings of a raw-key public key (Ed25519, X25519) as OpenSSL writes them: the 32 raw
/// bytes, the SubjectPublicKeyInfo DER and its "PUBLIC KEY" PEM block.
struct PublicKeyEncodings {
    var raw: [UInt8]
    var der: [UInt8]
    var pem: String

    /// Checks that `key` is of OpenSSL algorithm `algorithm` and computes its encodings; frees
    /// `key` if it throws.
    static func of(
        adopting key: OpaquePointer, algorithm: String, byteCount: Int, operation: String
    ) throws(CryptoError) -> PublicKeyEncodings {
        do throws(CryptoError) {
            return try of(key, algorithm: algorithm, byteCount: byteCount, operation: operation)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
    }

    /// Checks that `key` is of `algorithm` and computes its encodings; does not take ownership.
    static func of(
        _ key: OpaquePointer, algorithm: String, byteCount: Int, operation: String
    ) throws(CryptoError) -> PublicKeyEncodings {
        guard EVP_PKEY_is_a(key, algorithm) == 1 else {
            throw CryptoError(
                operation: operation, reason: "expected an \(displayName(algorithm)) key, got \(algorithmName(of: key))"
            )
        }
        var raw = [UInt8](repeating: 0, count: byteCount)
        var rawLength = raw.count
        guard EVP_PKEY_get_raw_public_key(key, &raw, &rawLength) == 1, rawLength == byteCount else {
            throw .openSSL("EVP_PKEY_get_raw_public_key")
        }

        let derLength = i2d_PUBKEY(key, nil)
        guard derLength > 0 else { throw .openSSL("i2d_PUBKEY") }
        var der = [UInt8](repeating: 0, count: Int(derLength))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            // i2d_* advances the pointer it is given, so hand it a copy.
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == derLength else { throw .openSSL("i2d_PUBKEY") }

        let bio = try MemoryBIO()
        try bio.writePublicKey(key)
        return PublicKeyEncodings(raw: raw, der: der, pem: try bio.readText())
    }

    /// OpenSSL's name for the key's algorithm ("RSA", "EC", ...), for error messages.
    static func algorithmName(of key: OpaquePointer) -> String {
        EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "an unknown key type"
    }

    /// "Ed25519" for "ED25519", "X25519" for "X25519".
    static func displayName(_ algorithm: String) -> String {
        algorithm == "ED25519" ? "Ed25519" : algorithm
    }
}
