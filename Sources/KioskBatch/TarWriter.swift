#if canImport(Glibc)
import Glibc
#endif

/// Streams a POSIX ustar archive to a file descriptor, so a batch of any size is written
/// without holding its records in memory.
///
/// Writes go through a 64 KiB buffer; partial writes and `EINTR` are retried. The writer neither
/// opens, syncs nor closes the descriptor: durability is the caller's job. After any error the
/// writer refuses further entries, because the archive on disk is then incomplete.
///
/// A value type that owns a buffer: do not copy it while writing, or both copies would flush.
public struct TarWriter {
    /// Where an entry's contents go: counts them against the size declared in the entry's header.
    public struct Sink {
        /// Buffered bytes are written once the buffer holds this many.
        static let bufferCapacity = 64 << 10

        let fileDescriptor: Int32
        private var buffer: [UInt8] = []
        /// The name of the entry being written, for error messages.
        var entryName = ""
        /// How many more content bytes the current entry may take.
        private(set) var remaining = 0
        /// Every byte handed to the descriptor or the buffer so far.
        private(set) var totalBytes = 0

        init(fileDescriptor: Int32) {
            self.fileDescriptor = fileDescriptor
            buffer.reserveCapacity(Self.bufferCapacity)
        }

        /// Appends `bytes` to the current entry; throws if that would exceed the declared size.
        public mutating func write(_ bytes: [UInt8]) throws(BatchError) {
            try claim(bytes.count)
            buffer.append(contentsOf: bytes)
            try flushIfFull()
        }

        /// Appends `bytes` to the current entry; throws if that would exceed the declared size.
        public mutating func write(_ bytes: ArraySlice<UInt8>) throws(BatchError) {
            try claim(bytes.count)
            buffer.append(contentsOf: bytes)
            try flushIfFull()
        }

        /// Appends the UTF-8 bytes of `text` to the current entry.
        public mutating func write(_ text: String) throws(BatchError) {
            try claim(text.utf8.count)
            var text = text
            text.withUTF8 { buffer.append(contentsOf: $0) }
            try flushIfFull()
        }

        /// Starts an entry of `size` content bytes.
        mutating func begin(entry name: String, size: Int) {
            entryName = name
            remaining = size
        }

        /// Appends archive structure (headers, padding, end blocks), which no entry size counts.
        mutating func writeStructure(_ bytes: [UInt8]) throws(BatchError) {
            totalBytes += bytes.count
            buffer.append(contentsOf: bytes)
            try flushIfFull()
        }

        /// Hands every buffered byte to the descriptor.
        mutating func flush() throws(BatchError) {
            let failure: Int32? = buffer.withUnsafeBytes { Self.writeAll($0, to: fileDescriptor) }
            buffer.removeAll(keepingCapacity: true)
            if let failure {
                throw BatchError(.io, "cannot write the batch archive: \(String(cString: strerror(failure)))")
            }
        }

        private mutating func claim(_ count: Int) throws(BatchError) {
            guard count <= remaining else {
                throw BatchError(
                    .malformedArchive,
                    "the contents of \(DisplayText.quoted(entryName)) are longer than the size declared in its header")
            }
            remaining -= count
            totalBytes += count
        }

        private mutating func flushIfFull() throws(BatchError) {
            if buffer.count >= Self.bufferCapacity { try flush() }
        }

        /// Writes all of `bytes`, retrying partial writes and `EINTR`; returns `errno` on failure.
        private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fileDescriptor: Int32) -> Int32? {
            guard let base = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fileDescriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                // write(2) never returns 0 for a non-empty buffer on a file; treat it as an error, not a spin.
                if written == 0 { return EIO }
                offset += written
            }
            return nil
        }
    }

    private enum State {
        case open
        case failed
        case finished
    }

    private var sink: Sink
    private var state = State.open

    /// Every byte written so far (headers, contents, padding), whether or not it is still buffered.
    public var bytesWritten: Int { sink.totalBytes }

    /// Prepares to write an archive to `fileDescriptor`, which stays owned by the caller.
    public init(fileDescriptor: Int32) {
        sink = Sink(fileDescriptor: fileDescriptor)
    }

    /// Adds a regular file whose `size` bytes are produced by `contents`, streamed through the buffer.
    ///
    /// `contents` must write exactly `size` bytes: writing more throws at once, fewer throws after
    /// it returns. Errors thrown by `contents` itself are passed on unchanged.
    public mutating func addFile(
        name: String, size: Int, modificationTime: Int, contents: (inout TarWriter.Sink) throws -> Void
    ) throws {
        try checkOpen()
        let header = try TarHeader.make(name: name, size: size, modificationTime: modificationTime)
        do {
            try sink.writeStructure(header)
            sink.begin(entry: name, size: size)
            try contents(&sink)
            guard sink.remaining == 0 else {
                throw BatchError(
                    .malformedArchive,
                    "\(DisplayText.quoted(name)) got \(size - sink.remaining) bytes but its header declares \(size)")
            }
            try sink.writeStructure(Self.padding(after: size))
        } catch {
            state = .failed
            throw error
        }
    }

    /// Adds a regular file holding `bytes`.
    public mutating func addFile(name: String, bytes: [UInt8], modificationTime: Int) throws(BatchError) {
        try checkOpen()
        let header = try TarHeader.make(name: name, size: bytes.count, modificationTime: modificationTime)
        do throws(BatchError) {
            try sink.writeStructure(header)
            sink.begin(entry: name, size: bytes.count)
            try sink.write(bytes)
            try sink.writeStructure(Self.padding(after: bytes.count))
        } catch {
            state = .failed
            throw error
        }
    }

    /// Ends the archive with two zero blocks and writes out the buffer.
    ///
    /// No padding to a 10 KiB record: GNU and BSD tar accept an archive that ends right after the
    /// two zero blocks, and then every truncation of the file is detectable.
    public mutating func finish() throws(BatchError) {
        try checkOpen()
        do throws(BatchError) {
            try sink.writeStructure([UInt8](repeating: 0, count: 2 * TarHeader.blockSize))
            try sink.flush()
            state = .finished
        } catch {
            state = .failed
            throw error
        }
    }

    private func checkOpen() throws(BatchError) {
        switch state {
        case .open: return
        case .failed: throw BatchError(.io, "the tar writer already failed; the archive is incomplete")
        case .finished: throw BatchError(.io, "the tar archive is already finished")
        }
    }

    /// Zeros that fill the last block of an entry's contents.
    static func padding(after size: Int) -> [UInt8] {
        let remainder = size % TarHeader.blockSize
        return [UInt8](repeating: 0, count: remainder == 0 ? 0 : TarHeader.blockSize - remainder)
    }
}
