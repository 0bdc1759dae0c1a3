import COpenSSL

/// One-shot SHA-256 (`EVP_Digest`), for fingerprints and content hashes.
///
/// SHA-256 cannot fail on valid input short of memory exhaustion or a broken OpenSSL
/// install, so a failure stops the process with a precondition message instead of
/// making every caller handle an error that never happens.
public enum SHA256 {
    /// Hashes `data`; contiguous storage (Array, Data, slices) is hashed in place without a copy.
    public static func hash<D: Collection>(_ data: D) -> SHA256Digest where D.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(data).withUnsafeBytes { hash($0) }
    }

    /// Hashes raw memory with `EVP_Digest`.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer { out in
            EVP_Digest(bytes.baseAddress, bytes.count, out.baseAddress, &length, EVP_sha256(), nil)
        }
        guard status == 1, Int(length) == SHA256Digest.byteCount else {
            preconditionFailure("OpenSSL SHA-256 failed: \(drainOpenSSLErrors() ?? "unknown OpenSSL error")")
        }
        return SHA256Digest(bytes: output)
    }
}
