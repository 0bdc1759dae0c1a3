import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files written so that a power cut leaves either the old state or the complete new file.
///
/// A file is only durable when its bytes are fsynced before it gets its final name, and the
/// folder holding the name is fsynced after; a folder that was just made needs its own entry
/// synced in its parent too. Every durable write of the kiosk (center key, outbox, `sent/`)
/// and of headquarters (receipt key, received batches) goes through these few functions, so
/// that order is written once. The reliability scenarios `durable-attend` and `durable-hq`
/// check it under strace.
package enum DurableFile {
    /// Writes `bytes` to a new file at `url` with `mode`, failing if it exists; fsyncs file and folder.
    ///
    /// The bytes go to `.NAME.partial` first, which is fsynced and then hard-linked to the
    /// final name: `link` fails when the target exists, so nothing is ever overwritten.
    package static func writeNew(_ bytes: [UInt8], to url: URL, mode: mode_t) throws(FileError) {
        let temporary = temporaryURL(for: url)
        unlink(temporary.path)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError("create \(temporary.path)") }
        defer { unlink(temporary.path) }
        do throws(FileError) {
            let failure = bytes.withUnsafeBytes { raw -> FileError? in
                do throws(FileError) {
                    try writeAll(fd, raw, path: temporary.path)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            try syncFile(fd, path: temporary.path)
            close(fd)
        } catch {
            close(fd)
            throw error
        }
        guard link(temporary.path, url.path) == 0 else { throw FileError("create \(url.path)") }
        try syncFolder(url.deletingLastPathComponent())
    }

    /// Creates `folder` and any missing parents with `mode`, and makes each creation durable.
    ///
    /// A file synced into a folder that was just made is lost with the folder after a power
    /// cut unless the folder's own entry in its parent is synced too, so each parent of a
    /// created folder is fsynced, innermost last. An existing `folder` gets `mode` too (one made
    /// beforehand under umask 022 is 0755); existing parents are left as they are.
    package static func createFolder(_ folder: URL, mode: mode_t = 0o700) throws(FileError) {
        var missing: [URL] = []
        var current = folder.standardizedFileURL
        while !FileManager.default.fileExists(atPath: current.path) {
            missing.append(current)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        for created in missing.reversed() {
            guard mkdir(created.path, mode) == 0 || errno == EEXIST else { throw FileError("create \(created.path)") }
            try syncFolder(created.deletingLastPathComponent())
        }
        try restrict(folder.path, to: mode)
    }

    /// Sets `mode` on the file or folder at `path` when it exists with another, whoever made it.
    ///
    /// The data folders hold personal data and keys: a folder that existed before (0755 under
    /// umask 022) or a database file SQLite created (0644) would let every local user read them.
    package static func restrict(_ path: String, to mode: mode_t) throws(FileError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw FileError("stat \(path)")
        }
        guard status.st_mode & 0o7777 != mode else { return }
        guard chmod(path, mode) == 0 else { throw FileError("set mode \(String(mode, radix: 8)) on \(path)") }
    }

    /// Makes a rename, link or unlink in `folder` durable.
    package static func syncFolder(_ folder: URL) throws(FileError) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError("open \(folder.path)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError("fsync \(folder.path)") }
    }

    /// Renames a file that is already on disk to `destination` and makes the rename durable.
    ///
    /// Creates the destination folder if needed (durably), renames, then fsyncs the
    /// destination folder and, when it differs, the source folder: the new name must be on
    /// disk before the old one is known to be gone. A missing source throws with `ENOENT`.
    package static func move(_ source: URL, to destination: URL) throws(FileError) {
        let target = destination.deletingLastPathComponent()
        try createFolder(target)
        guard rename(source.path, destination.path) == 0 else {
            throw FileError("move \(source.path) to \(destination.path)")
        }
        try syncFolder(target)
        let origin = source.deletingLastPathComponent()
        if origin.standardizedFileURL.path != target.standardizedFileURL.path {
            try syncFolder(origin)
        }
    }

    /// Flushes an open file's bytes to disk.
    package static func syncFile(_ fd: Int32, path: String) throws(FileError) {
        guard fsync(fd) == 0 else { throw FileError("fsync \(path)") }
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and interruptions.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError("write \(path)")
            }
            offset += written
        }
    }

    /// `.NAME.partial` beside `url`: hidden, and recognisable as a leftover to remove.
    package static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
    }
}
