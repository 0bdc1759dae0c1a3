import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files written so that a power cut leaves either the old state or the complete new file.
///
/// Shared by the kiosk (center key, outbox, sent/) and headquarters (receipt key, stored
/// batches); errors are `BatchError(.io)` with the path and the system's reason.
package enum DurableFile {
    /// Writes `bytes` to a new file at `url` with `mode`, failing if it exists; fsyncs file and folder.
    package static func writeNew(_ bytes: [UInt8], to url: URL, mode: mode_t) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        unlink(temporary.path)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw BatchError(.io, "cannot create \(temporary.path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary.path) }
        do {
            try writeAll(fd, bytes)
            guard fsync(fd) == 0 else {
                throw BatchError(.io, "fsync \(temporary.path): \(String(cString: strerror(errno)))")
            }
            close(fd)
        } catch {
            close(fd)
            throw error
        }
        // link() fails if the target exists: never overwrite.
        guard link(temporary.path, url.path) == 0 else {
            throw BatchError(.io, "cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        try syncFolder(url.deletingLastPathComponent())
    }

    /// Creates `folder` and any missing parents with `mode`, and makes each creation durable.
    ///
    /// A file synced into a folder that was just made is lost with the folder after a power
    /// cut unless the folder's own entry in its parent is synced too, so each parent of a
    /// created folder is fsynced, innermost last. An existing folder is left as it is.
    package static func createFolder(_ folder: URL, mode: mode_t = 0o700) throws {
        var missing: [URL] = []
        var current = folder.standardizedFileURL
        while !FileManager.default.fileExists(atPath: current.path) {
            missing.append(current)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        for created in missing.reversed() {
            guard mkdir(created.path, mode) == 0 || errno == EEXIST else {
                throw BatchError(.io, "cannot create \(created.path): \(String(cString: strerror(errno)))")
            }
            try syncFolder(created.deletingLastPathComponent())
        }
    }

    /// Makes a rename or link in `folder` durable.
    package static func syncFolder(_ folder: URL) throws {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BatchError(.io, "cannot open \(folder.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw BatchError(.io, "fsync \(folder.path): \(String(cString: strerror(errno)))")
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BatchError(.io, "write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
