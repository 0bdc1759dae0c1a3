import Foundation
import KioskCrypto
import KioskSupport
import NIOCore

/// An upload being written to `incoming/` as it arrives: counted against the size limit and
/// hashed on the way, so nothing of it is ever held in memory.
///
/// Owned by one request handler; the file is removed unless `finish()` hands it on.
final class IncomingFile {
    private let file: DurableStream
    private let hasher = SHA256Hasher()
    private let limit: Int
    private let pass: UploadPass
    private(set) var size = 0

    /// The file's path while it is received.
    var path: String { file.temporary.path }

    /// Creates a new, empty file with a random name in `folder`; its bytes count against `pass`.
    init(in folder: URL, limit: Int, pass: UploadPass) throws(IntakeError) {
        let name = "upload-\(UUID().uuidString).partial"
        self.limit = limit
        self.pass = pass
        do {
            file = try DurableStream(temporary: folder.appendingPathComponent(name), exclusive: true)
        } catch {
            throw IntakeError(.storage, "\(error)")
        }
    }

    /// Appends a piece of the body; refuses it once the total goes over the limit, or when the
    /// uploads in progress together have no more room in `incoming/`.
    func append(_ buffer: ByteBuffer) throws(IntakeError) {
        size += buffer.readableBytes
        guard size <= limit else {
            throw IntakeError(.tooLarge, "the batch is over the limit of \(limit) bytes")
        }
        try pass.cover(size)
        let failure: FileError? = buffer.withUnsafeReadableBytes { raw in
            hasher.update(
                UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
            do throws(FileError) {
                try file.write(raw)
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            throw IntakeError(.storage, "\(failure)")
        }
    }

    /// Ends writing and hands the file over: still to fsync, with its digest and size.
    ///
    /// Dropping the `IncomingFile` without calling this removes the file.
    func finish() -> ReceivedBody {
        ReceivedBody(file: file, sha256: hasher.finalize().hex, size: size)
    }
}

/// A completely received upload in `incoming/`, not yet synced or checked.
///
/// Whoever holds it must call `discard()` or `moveInto(_:)`; the file is removed when the
/// last holder drops it without moving it.
public struct ReceivedBody: Sendable {
    let file: DurableStream
    /// Hex SHA-256 of the whole body.
    let sha256: String
    let size: Int

    /// The file's path in `incoming/`.
    var path: String { file.temporary.path }

    /// Whether these are the bytes of `batch` as it was accepted (a resend).
    func holds(_ batch: AcceptedBatch) -> Bool {
        batch.tarSHA256 == sha256 && batch.tarSize == size
    }

    /// Flushes the file to disk and closes it, before it is read and checked.
    func syncAndClose() throws(IntakeError) {
        do {
            try file.sync()
        } catch {
            throw IntakeError(.storage, "\(error)")
        }
    }

    /// Renames the (synced) file to `destination` and makes the rename durable.
    func moveInto(_ destination: URL) throws(FileError) {
        try file.commit(to: destination)
    }

    /// Closes and removes the file.
    func discard() {
        file.discard()
    }
}
