@testable import KioskBatch

/// Hand-made tar pieces for hostile archives: headers with chosen types, sizes and checksums.
enum TarBytes {
    static let block = TarHeader.blockSize

    /// A valid ustar header for `name` of `size` bytes, then changed by `edit`, then re-summed
    /// (unless `resum` is false) so that only the intended defect remains.
    static func header(
        name: String, size: Int, resum: Bool = true, edit: (inout [UInt8]) -> Void = { _ in }
    ) throws -> [UInt8] {
        var header = try TarHeader.make(name: name, size: size, modificationTime: SampleBatch.modificationTime)
        edit(&header)
        if resum { self.resum(&header) }
        return header
    }

    /// Recomputes the checksum field of a header after an edit.
    static func resum(_ header: inout [UInt8]) {
        resum(&header[0..<block])
    }

    /// Recomputes the checksum field of a header block inside a larger archive after an edit.
    static func resum(_ header: inout ArraySlice<UInt8>) {
        let digits = Array(String(TarHeader.checksum(of: header), radix: 8).utf8)
        let field = [UInt8](repeating: UInt8(ascii: "0"), count: 6 - digits.count) + digits + [0, UInt8(ascii: " ")]
        let start = header.startIndex + TarHeader.Field.checksum.lowerBound
        header.replaceSubrange(start..<(start + field.count), with: field)
    }

    /// `bytes` followed by zero padding to a whole block.
    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + TarWriter.padding(after: bytes.count)
    }

    /// An entry: a header (possibly edited) and its padded contents.
    static func entry(_ name: String, _ contents: [UInt8], edit: (inout [UInt8]) -> Void = { _ in }) throws -> [UInt8] {
        try header(name: name, size: contents.count, edit: edit) + padded(contents)
    }

    /// Two zero blocks: the end of an archive.
    static let end = [UInt8](repeating: 0, count: 2 * block)

    /// The byte offsets of the three headers in a batch archive with these contents sizes.
    static func headerOffsets(manifest: Int, records: Int) -> [Int] {
        let second = block + padded(count: manifest)
        return [0, second, second + block + padded(count: records)]
    }

    private static func padded(count: Int) -> Int {
        (count + block - 1) / block * block
    }
}
