import KioskCrypto
import KioskStore

extension AuditHasher {
    /// The audit chain's SHA-256, from KioskCrypto (OpenSSL).
    package static let sha256 = AuditHasher { bytes in SHA256.hash(bytes).hex }
}
