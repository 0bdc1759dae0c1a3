import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (`flock`) on a file, held until the value is dropped.
///
/// The kernel releases a `flock` when the process dies, so a kill -9 never leaves anything
/// locked; the lock file itself is created (0600) if missing and never removed, because
/// removing it would let a second process lock a new file while the first holds the old one.
package final class FileLock {
    /// The lock file, for messages.
    package let path: String
    private let fd: Int32

    /// Waits until the lock on `path` is free and takes it.
    package convenience init(path: String) throws(FileError) {
        try self.init(path: path, wait: true)
    }

    /// Takes the lock on `path` if it is free; nil when another process holds it.
    package static func tryLock(path: String) throws(FileError) -> FileLock? {
        do {
            return try FileLock(path: path, wait: false)
        } catch  where error.code == EWOULDBLOCK {
            return nil
        }
    }

    private init(path: String, wait: Bool) throws(FileError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError("open \(path)") }
        while flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
            guard errno == EINTR else {
                let failure = FileError("lock \(path)")
                close(fd)
                throw failure
            }
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
