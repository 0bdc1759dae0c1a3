import COpenSSL

/// Owns one in-memory `BIO`: the buffer that PEM text is read from and written to.
///
/// The only type that frees a `BIO`. Input text is copied into the BIO, so nothing
/// depends on the lifetime of a Swift string's storage.
final class MemoryBIO {
    private let handle: OpaquePointer

    /// Creates an empty memory BIO.
    init() throws(CryptoError) {
        guard let handle = BIO_new(BIO_s_mem()) else { throw .openSSL("BIO_new") }
        self.handle = handle
    }

    /// Creates a memory BIO holding the UTF-8 bytes of `text`.
    convenience init(contents text: String) throws(CryptoError) {
        try self.init()
        let bytes = Array(text.utf8)
        guard bytes.count <= Int(Int32.max) else {
            throw CryptoError(operation: "BIO_write", reason: "PEM text too large (\(bytes.count) bytes)")
        }
        if bytes.isEmpty { return }
        let written = bytes.withUnsafeBytes { BIO_write(handle, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(bytes.count) else { throw .openSSL("BIO_write") }
    }

    deinit {
        BIO_free(handle)
    }

    /// Everything written to the BIO and not yet read, as text.
    func readText() throws(CryptoError) -> String {
        let pending = BIO_ctrl_pending(handle)
        guard pending > 0 else { return "" }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(handle, $0.baseAddress, Int32(clamping: $0.count)) }
        guard read == Int32(clamping: pending) else { throw .openSSL("BIO_read") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses the first private key PEM block; the caller owns (and must free) the returned `EVP_PKEY`.
    ///
    /// Encrypted keys are refused: the passphrase callback reports "no passphrase", which
    /// also stops OpenSSL's default callback from prompting on the kiosk's terminal.
    /// `text` is the same text the BIO was made from, used only to word the error.
    func readPrivateKey(text: String) throws(CryptoError) -> OpaquePointer {
        guard let key = PEM_read_bio_PrivateKey(handle, nil, { _, _, _, _ in -1 }, nil) else {
            let details = drainOpenSSLErrors() ?? "unknown OpenSSL error"
            let reason =
                if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
                    "encrypted private keys are not supported, store it as an unencrypted PKCS#8 \"PRIVATE KEY\""
                } else if !text.contains("PRIVATE KEY-----") {
                    "no private key PEM block found, expected \"-----BEGIN PRIVATE KEY-----\""
                } else {
                    "not a readable PEM private key"
                }
            throw CryptoError(operation: "PEM_read_bio_PrivateKey", reason: "\(reason) (\(details))")
        }
        return key
    }

    /// Parses the first "PUBLIC KEY" (SubjectPublicKeyInfo) PEM block; the caller owns the returned `EVP_PKEY`.
    ///
    /// `text` is the same text the BIO was made from, used only to word the error.
    func readPublicKey(text: String) throws(CryptoError) -> OpaquePointer {
        guard let key = PEM_read_bio_PUBKEY(handle, nil, { _, _, _, _ in -1 }, nil) else {
            let details = drainOpenSSLErrors() ?? "unknown OpenSSL error"
            let reason =
                if !text.contains("-----BEGIN PUBLIC KEY-----") {
                    "no \"-----BEGIN PUBLIC KEY-----\" PEM block found"
                } else {
                    "not a readable PEM public key"
                }
            throw CryptoError(operation: "PEM_read_bio_PUBKEY", reason: "\(reason) (\(details))")
        }
        return key
    }

    /// Appends `key` as an unencrypted PKCS#8 "PRIVATE KEY" PEM block.
    func writePKCS8PrivateKey(_ key: OpaquePointer) throws(CryptoError) {
        guard PEM_write_bio_PKCS8PrivateKey(handle, key, nil, nil, 0, nil, nil) == 1 else {
            throw .openSSL("PEM_write_bio_PKCS8PrivateKey")
        }
    }

    /// Appends `key` as a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM block.
    func writePublicKey(_ key: OpaquePointer) throws(CryptoError) {
        guard PEM_write_bio_PUBKEY(handle, key) == 1 else { throw .openSSL("PEM_write_bio_PUBKEY") }
    }
}
