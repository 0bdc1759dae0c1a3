#if canImport(Glibc)
import Glibc
#endif

/// A file operation the operating system refused: what was tried, on which path, and why.
///
/// Paths name folders and batch files, never their contents, so the message is safe to log
/// and to show an operator; `code` (the `errno`) lets a caller treat "already gone" as done.
package struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done, worded to complete "cannot …": `create /x/y`, `fsync /x/y`.
    package let operation: String
    /// The system's error number (`ENOENT`, `ENOSPC`, …).
    package let code: Int32

    /// Records a failure of `operation` with the current `errno`.
    package init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    /// `cannot fsync /data/outbox: No space left on device`.
    package var description: String {
        "cannot \(operation): \(String(cString: strerror(code)))"
    }
}
