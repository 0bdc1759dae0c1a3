import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A large file written in pieces under a temporary name, then synced and moved into place.
///
/// For what is too big to hold in memory: the outbox streams a batch's tar from the database,
/// headquarters streams a received body from the network. Until `commit(to:)` succeeds the
/// file exists only under its temporary name, and it is removed when the stream is dropped,
/// so a failure or a kill leaves no half-written file under a final name.
///
/// `@unchecked Sendable`: it owns one file descriptor and is handed from the request that
/// fills it to the thread that stores it, never used by two at once.
package final class DurableStream: @unchecked Sendable {
    /// Where the bytes are written until `commit(to:)`.
    package let temporary: URL
    /// The open file, for writers that take a descriptor (the tar writer); -1 once synced.
    package private(set) var fileDescriptor: Int32
    private var committed = false

    /// Creates the temporary file with `mode`.
    ///
    /// - Parameter exclusive: fail when `temporary` exists (a random name that must be new);
    ///   otherwise a leftover of an interrupted run under the same name is truncated.
    package init(temporary: URL, mode: mode_t = 0o600, exclusive: Bool) throws(FileError) {
        self.temporary = temporary
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        fileDescriptor = open(temporary.path, flags, mode)
        guard fileDescriptor >= 0 else { throw FileError("create \(temporary.path)") }
    }

    deinit { discard() }

    /// Appends `bytes`.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        guard fileDescriptor >= 0 else { throw FileError("write \(temporary.path)", code: EBADF) }
        try DurableFile.writeAll(fileDescriptor, bytes, path: temporary.path)
    }

    /// Flushes the bytes to disk and closes the file; it still has only its temporary name.
    ///
    /// Headquarters syncs a received body before checking it, and moves it only once its
    /// row is committed; the outbox syncs and moves at once with `commit(to:)`.
    package func sync() throws(FileError) {
        guard fileDescriptor >= 0 else { return }
        defer {
            close(fileDescriptor)
            fileDescriptor = -1
        }
        try DurableFile.syncFile(fileDescriptor, path: temporary.path)
    }

    /// Syncs (if not done yet), renames the file to `destination` and syncs the folders.
    package func commit(to destination: URL) throws(FileError) {
        try sync()
        try DurableFile.move(temporary, to: destination)
        committed = true
    }

    /// Syncs (if not done yet) and closes the file, and leaves it under its temporary name for
    /// good: dropping the stream no longer removes it. For a file that is already recorded
    /// elsewhere (a committed transaction names it), so a failure to move it must not lose it.
    package func keep() throws(FileError) {
        try sync()
        committed = true
    }

    /// Closes and removes the temporary file; nothing once committed or kept.
    package func discard() {
        if fileDescriptor >= 0 {
            close(fileDescriptor)
            fileDescriptor = -1
        }
        if !committed {
            unlink(temporary.path)
            committed = true
        }
    }
}
