#if canImport(Glibc)
import Glibc
#endif

/// Reads an untrusted archive file sequentially with plain `read(2)`, knowing how many bytes the
/// file holds so that a declared size can be checked before anything is allocated for it.
///
/// A class because it owns the descriptor and closes it exactly once, on deinit.
final class ArchiveInput {
    private let fileDescriptor: Int32
    /// The file's size when it was opened.
    let fileSize: Int
    /// How many bytes have been read so far.
    private(set) var offset = 0

    /// Bytes left in the file according to its size at open.
    var remaining: Int { max(0, fileSize - offset) }

    /// Opens `path` for reading; refuses anything that is not a regular file.
    ///
    /// `O_NONBLOCK` keeps `open` from waiting forever on a FIFO planted at the path; the
    /// regular-file check then refuses it (non-blocking mode has no effect on regular files).
    init(path: String) throws(BatchError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw BatchError(.io, "cannot open \(DisplayText.quoted(path)): \(Self.reason(errno))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let failure = errno
            close(descriptor)
            throw BatchError(.io, "cannot stat \(DisplayText.quoted(path)): \(Self.reason(failure))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw BatchError(.io, "\(DisplayText.quoted(path)) is not a regular file")
        }
        fileDescriptor = descriptor
        fileSize = Int(status.st_size)
    }

    deinit {
        close(fileDescriptor)
    }

    /// Reads up to `count` bytes; fewer only at end of file.
    func read(upTo count: Int) throws(BatchError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: Int32?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            initialized = 0
            while initialized < count {
                let got = Glibc.read(fileDescriptor, storage.baseAddress! + initialized, count - initialized)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if got == 0 { return }
                initialized += got
            }
        }
        offset += bytes.count
        if let failure {
            throw BatchError(.io, "cannot read the batch archive at byte \(offset): \(Self.reason(failure))")
        }
        return bytes
    }

    /// Moves `count` bytes forward without reading them; refuses to go past the end of the file.
    func skip(_ count: Int) throws(BatchError) {
        guard count <= remaining else {
            throw BatchError(.malformedArchive, "the archive is truncated: \(count) bytes to skip, \(remaining) remain")
        }
        guard lseek(fileDescriptor, off_t(offset + count), SEEK_SET) >= 0 else {
            throw BatchError(.io, "cannot seek in the batch archive: \(Self.reason(errno))")
        }
        offset += count
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
