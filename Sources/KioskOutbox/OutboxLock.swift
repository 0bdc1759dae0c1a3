import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on the outbox folder, so a timer's upload and a supervisor's
/// "upload now" never write or move the same batch file at once.
///
/// `flock` is released by the kernel when the process dies, so a kill -9 never leaves the
/// outbox locked.
public final class OutboxLock {
    private let fd: Int32

    /// Waits for the lock on `folder/.lock`.
    public init(folder: URL) throws {
        let path = folder.appendingPathComponent(".lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OutboxError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(fd)
                throw OutboxError(.io, "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
