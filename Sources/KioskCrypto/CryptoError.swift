import COpenSSL

/// An error from a cryptographic operation, carrying OpenSSL's own reason text.
///
/// `operation` names what was attempted (for example `"PEM_read_bio_PrivateKey"` or
/// `"Ed25519PrivateKey.init(rawRepresentation:)"`) and `reason` says why it failed, so
/// a log line is enough to diagnose a bad key file without a debugger.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The OpenSSL call or the API that failed.
    public let operation: String
    /// Why it failed: OpenSSL's error strings, or a validation message from this module.
    public let reason: String

    /// Makes an error from an operation name and a reason.
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    /// `"<operation>: <reason>"`.
    public var description: String { "\(operation): \(reason)" }

    /// Drains this thread's OpenSSL error queue into an error for `operation`.
    ///
    /// Every queued entry is consumed so that a stale entry cannot be blamed on a later,
    /// unrelated call; the entries are joined oldest first with `"; "`.
    static func openSSL(_ operation: String) -> CryptoError {
        CryptoError(operation: operation, reason: drainOpenSSLErrors() ?? "unknown OpenSSL error")
    }
}

/// Empties this thread's OpenSSL error queue, returning its entries as text, or nil if it was empty.
///
/// Also used on purpose to discard entries that a failed-but-expected call (such as a
/// signature that does not verify) leaves behind.
@discardableResult
func drainOpenSSLErrors() -> String? {
    var messages: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        // ERR_error_string_n always NUL-terminates within the given length.
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        messages.append(text)
    }
    return messages.isEmpty ? nil : messages.joined(separator: "; ")
}
