import Foundation
import KioskCrypto
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// An upload being written to `incoming/` as it arrives: counted against the size limit and
/// hashed on the way, so nothing of it is ever held in memory.
///
/// Owned by one request handler; the file is removed unless `finish()` hands it on.
final class IncomingFile {
    let path: String
    private var fileDescriptor: Int32
    private let hasher = SHA256Hasher()
    private let limit: Int
    private(set) var size = 0

    /// Creates a new, empty file with a random name in `folder`.
    init(in folder: URL, limit: Int) throws(IntakeError) {
        let name = "upload-\(UUID().uuidString).partial"
        path = folder.appendingPathComponent(name).path
        self.limit = limit
        fileDescriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fileDescriptor >= 0 else {
            throw IntakeError(.storage, "cannot create \(path): \(HQFolder.errorText())")
        }
    }

    deinit {
        if fileDescriptor >= 0 {
            close(fileDescriptor)
            unlink(path)
        }
    }

    /// Appends a piece of the body; refuses it once the total goes over the limit.
    func append(_ buffer: ByteBuffer) throws(IntakeError) {
        size += buffer.readableBytes
        guard size <= limit else {
            throw IntakeError(.tooLarge, "the batch is over the limit of \(limit) bytes")
        }
        let failure: Int32? = buffer.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            hasher.update(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: raw.count))
            var offset = 0
            while offset < raw.count {
                let written = write(fileDescriptor, base + offset, raw.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return errno }
                offset += written
            }
            return nil
        }
        if let failure {
            throw IntakeError(.storage, "cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// Ends writing and hands the file over: its descriptor (still to fsync), digest and size.
    func finish() -> ReceivedBody {
        let body = ReceivedBody(path: path, fileDescriptor: fileDescriptor, sha256: hasher.finalize().hex, size: size)
        fileDescriptor = -1
        return body
    }
}

/// A completely received upload in `incoming/`, not yet synced or checked.
///
/// Whoever holds it must call `discard()` or move the file and `close()`.
struct ReceivedBody: Sendable {
    let path: String
    let fileDescriptor: Int32
    /// Hex SHA-256 of the whole body.
    let sha256: String
    let size: Int

    /// Flushes the file to disk and closes it.
    func syncAndClose() throws(IntakeError) {
        defer { close(fileDescriptor) }
        guard fsync(fileDescriptor) == 0 else {
            throw IntakeError(.storage, "fsync \(path): \(HQFolder.errorText())")
        }
    }

    /// Closes and removes the file.
    func discard() {
        close(fileDescriptor)
        unlink(path)
    }
}
