#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed terminal system call with its errno, so the kiosk can end a session cleanly
/// (EPIPE or EIO: the console or serial line is gone) instead of crashing.
public struct TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The call that failed, such as "write" or "tcsetattr".
    public let operation: String
    /// The errno it set.
    public let code: Int32

    /// Creates an error for `operation` with an explicit errno value.
    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// Captures the current `errno` right after `operation` failed.
    static func fromErrno(_ operation: String) -> TerminalError {
        TerminalError(operation: operation, code: errno)
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}
