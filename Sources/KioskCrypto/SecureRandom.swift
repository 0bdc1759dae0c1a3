import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`).
public enum SecureRandom {
    /// Returns `count` random bytes, suitable for salts, nonces and tokens.
    ///
    /// Throws if `count` is negative or if OpenSSL's generator is not seeded (it reports
    /// that instead of returning weak bytes).
    public static func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        guard count >= 0 else {
            throw CryptoError(
                operation: "SecureRandom.bytes(count:)", reason: "count must not be negative, got \(count)")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { buffer -> Bool in
            var offset = 0
            // RAND_bytes takes an Int32 length, so fill very large buffers in pieces.
            while offset < buffer.count {
                let chunk = min(buffer.count - offset, Int(Int32.max))
                guard RAND_bytes(buffer.baseAddress! + offset, Int32(chunk)) == 1 else { return false }
                offset += chunk
            }
            return true
        }
        guard ok else { throw .openSSL("RAND_bytes") }
        return bytes
    }
}
