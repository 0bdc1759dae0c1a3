import COpenSSL

/// scrypt password-based key derivation (RFC 7914) through OpenSSL's `SCRYPT` KDF.
///
/// Used to turn an operator passphrase into key material; scrypt's memory cost makes
/// offline guessing expensive.
public enum Scrypt {
    /// Derives `length` bytes from `password` and `salt` with cost `n`, block size `r` and parallelism `p`.
    ///
    /// Parameters are checked here first so that a bad call gets a clear reason: `n` must
    /// be a power of two greater than 1, and `r`, `p` and `length` must be positive.
    /// Memory use is about `128 * r * n` bytes; OpenSSL refuses (with a thrown error, not
    /// a crash) parameters above its default limit of about 1 GiB.
    public static func derive(
        password: [UInt8], salt: [UInt8], n: UInt64, r: UInt32, p: UInt32, length: Int
    ) throws(CryptoError) -> [UInt8] {
        let operation = "Scrypt.derive"
        guard n > 1, n & (n - 1) == 0 else {
            throw CryptoError(operation: operation, reason: "N must be a power of two greater than 1, got \(n)")
        }
        guard r > 0 else { throw CryptoError(operation: operation, reason: "r must be positive") }
        guard p > 0 else { throw CryptoError(operation: operation, reason: "p must be positive") }
        guard length > 0 else {
            throw CryptoError(operation: operation, reason: "length must be positive, got \(length)")
        }

        let context = try KDFContext(algorithm: OSSL_KDF_NAME_SCRYPT)
        try context.set(OSSL_KDF_PARAM_PASSWORD, octets: password)
        try context.set(OSSL_KDF_PARAM_SALT, octets: salt)
        try context.set(OSSL_KDF_PARAM_SCRYPT_N, uint64: n)
        try context.set(OSSL_KDF_PARAM_SCRYPT_R, uint32: r)
        try context.set(OSSL_KDF_PARAM_SCRYPT_P, uint32: p)
        return try context.derive(length: length)
    }
}
