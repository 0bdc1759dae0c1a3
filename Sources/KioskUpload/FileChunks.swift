import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A batch file read in 1 MiB pieces as the upload consumes them, so a batch of any size
/// is sent without being held in memory; reports the bytes handed on so far.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkBytes = 1 << 20

    let path: String
    let progress: @Sendable (Int) -> Void

    func makeAsyncIterator() -> Iterator {
        Iterator(path: path, progress: progress)
    }

    final class Iterator: AsyncIteratorProtocol {
        private let path: String
        private let progress: @Sendable (Int) -> Void
        private var fileDescriptor: Int32 = -1
        private var sent = 0
        private var finished = false

        init(path: String, progress: @escaping @Sendable (Int) -> Void) {
            self.path = path
            self.progress = progress
        }

        deinit {
            if fileDescriptor >= 0 { close(fileDescriptor) }
        }

        func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            if fileDescriptor < 0 {
                fileDescriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard fileDescriptor >= 0 else {
                    throw UploadFailure(.local, "cannot open \(path): \(String(cString: strerror(errno)))")
                }
            }
            var buffer = ByteBufferAllocator().buffer(capacity: FileChunks.chunkBytes)
            let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: FileChunks.chunkBytes) { raw in
                var total = 0
                while total < FileChunks.chunkBytes {
                    let got = read(fileDescriptor, raw.baseAddress! + total, FileChunks.chunkBytes - total)
                    if got < 0, errno == EINTR { continue }
                    if got < 0 {
                        throw UploadFailure(.local, "cannot read \(path): \(String(cString: strerror(errno)))")
                    }
                    if got == 0 { break }
                    total += got
                }
                return total
            }
            guard count > 0 else {
                finished = true
                close(fileDescriptor)
                fileDescriptor = -1
                return nil
            }
            sent += count
            progress(sent)
            return buffer
        }
    }
}
