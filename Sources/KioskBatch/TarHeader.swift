/// The POSIX ustar header: the one place that knows the byte layout, shared by the writer and
/// the strict reader so that both agree on every field.
///
/// Only what a batch needs: regular files with short names, sizes as 11 octal digits (up to
/// 8 GiB - 1), owner 0/0 named "kiosk", mode 0644. No pax or GNU extensions, so any tar reads it.
struct TarHeader {
    /// The tar block size: headers, file data and the end marker are all whole blocks.
    static let blockSize = 512
    /// The largest size (and time) that fits in 11 octal digits.
    static let maximumOctalValue = 0o77777777777
    /// The longest name the `name` field holds without the `prefix` field.
    static let maximumNameBytes = 100

    /// Byte ranges of the fields within the 512-byte header block.
    enum Field {
        static let name = 0..<100
        static let mode = 100..<108
        static let uid = 108..<116
        static let gid = 116..<124
        static let size = 124..<136
        static let modificationTime = 136..<148
        static let checksum = 148..<156
        static let typeflag = 156
        static let magic = 257..<263
        static let version = 263..<265
        static let userName = 265..<297
        static let groupName = 297..<329
        static let deviceMajor = 329..<337
        static let deviceMinor = 337..<345
        static let prefix = 345..<500
    }

    /// `ustar\0`, the POSIX magic (GNU tar's own format writes `ustar  \0` instead).
    static let magic: [UInt8] = Array("ustar\0".utf8)
    /// `00`, the POSIX version that goes with the magic.
    static let version: [UInt8] = Array("00".utf8)
    /// The typeflag of a regular file.
    static let regularFile = UInt8(ascii: "0")

    /// The entry's name: the `name` field up to its first NUL, after the `prefix` field and a "/" if set.
    let name: [UInt8]
    /// The raw typeflag byte.
    let typeflag: UInt8
    /// The size of the entry's data in bytes.
    let size: Int

    // MARK: Writing

    /// A header block for a regular file; throws for a name or size the format cannot hold.
    static func make(name: String, size: Int, modificationTime: Int) throws(BatchError) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= maximumNameBytes, !nameBytes.contains(0) else {
            throw BatchError(
                .malformedArchive, "tar entry name \(DisplayText.quoted(name)) must be 1 to 100 bytes without NUL")
        }
        guard (0...maximumOctalValue).contains(size) else {
            throw BatchError(
                .tooLarge, "tar entry \(DisplayText.quoted(name)) of \(size) bytes is over the ustar limit")
        }
        guard (0...maximumOctalValue).contains(modificationTime) else {
            throw BatchError(
                .malformedArchive,
                "modification time \(modificationTime) of \(DisplayText.quoted(name)) is out of range")
        }
        var block = [UInt8](repeating: 0, count: blockSize)
        block.replaceSubrange(Field.name.lowerBound..<(Field.name.lowerBound + nameBytes.count), with: nameBytes)
        putOctal(0o644, in: Field.mode, of: &block)
        putOctal(0, in: Field.uid, of: &block)
        putOctal(0, in: Field.gid, of: &block)
        putOctal(size, in: Field.size, of: &block)
        putOctal(modificationTime, in: Field.modificationTime, of: &block)
        block[Field.typeflag] = regularFile
        block.replaceSubrange(Field.magic, with: magic)
        block.replaceSubrange(Field.version, with: version)
        let owner = Array("kiosk".utf8)
        block.replaceSubrange(Field.userName.lowerBound..<(Field.userName.lowerBound + owner.count), with: owner)
        block.replaceSubrange(Field.groupName.lowerBound..<(Field.groupName.lowerBound + owner.count), with: owner)
        putOctal(0, in: Field.deviceMajor, of: &block)
        putOctal(0, in: Field.deviceMinor, of: &block)
        // The checksum field is 6 octal digits, NUL, space (as GNU and BSD tar write it).
        let sum = checksum(of: block)
        putOctal(sum, in: Field.checksum.lowerBound..<(Field.checksum.upperBound - 1), of: &block)
        block[Field.checksum.upperBound - 1] = UInt8(ascii: " ")
        return block
    }

    /// Writes `value` as zero-padded octal digits filling `range` but its last byte, which is NUL.
    private static func putOctal(_ value: Int, in range: Range<Int>, of block: inout [UInt8]) {
        var value = value
        var index = range.upperBound - 2
        while index >= range.lowerBound {
            block[index] = UInt8(ascii: "0") + UInt8(value & 7)
            value >>= 3
            index -= 1
        }
        block[range.upperBound - 1] = 0
    }

    /// The header checksum: the sum of all bytes, with the checksum field counted as spaces.
    static func checksum(of block: some Collection<UInt8>) -> Int {
        var sum = 0
        for (index, byte) in block.enumerated() {
            sum += Field.checksum.contains(index) ? Int(UInt8(ascii: " ")) : Int(byte)
        }
        return sum
    }

    // MARK: Reading

    /// Parses and checks a header block of an untrusted archive; `entry` (1-based) words the errors.
    ///
    /// Checks the checksum first (so a damaged block is reported as damaged), then the POSIX ustar
    /// magic and version, then the size, which must be plain octal digits.
    init(parsing block: [UInt8], entry: Int) throws(BatchError) {
        precondition(block.count == Self.blockSize)
        guard let stored = Self.octal(block[Field.checksum]) else {
            throw BatchError(.malformedArchive, "entry \(entry) header has a checksum field that is not octal")
        }
        let actual = Self.checksum(of: block)
        guard stored == actual else {
            throw BatchError(
                .malformedArchive, "entry \(entry) header checksum is \(stored) but the header bytes sum to \(actual)")
        }
        guard Array(block[Field.magic]) == Self.magic, Array(block[Field.version]) == Self.version else {
            throw BatchError(
                .malformedArchive,
                "entry \(entry) header is not a POSIX ustar header (magic \(DisplayText.quoted(bytes: block[Field.magic.lowerBound..<Field.version.upperBound])))"
            )
        }
        let name = Self.cString(block[Field.name])
        let prefix = Self.cString(block[Field.prefix])
        self.name = prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
        typeflag = block[Field.typeflag]
        guard let size = Self.octal(block[Field.size]) else {
            throw BatchError(.malformedArchive, "entry \(entry) header has a size field that is not octal digits")
        }
        self.size = size
    }

    /// What a typeflag means, for an error message.
    static func describe(typeflag: UInt8) -> String {
        switch typeflag {
        case UInt8(ascii: "0"), 0: "a regular file"
        case UInt8(ascii: "1"): "a hard link"
        case UInt8(ascii: "2"): "a symbolic link"
        case UInt8(ascii: "3"): "a character device"
        case UInt8(ascii: "4"): "a block device"
        case UInt8(ascii: "5"): "a directory"
        case UInt8(ascii: "6"): "a FIFO"
        case UInt8(ascii: "x"), UInt8(ascii: "g"): "a pax extended header"
        case UInt8(ascii: "L"), UInt8(ascii: "K"): "a GNU long-name header"
        default: "an entry of type 0x" + String(typeflag, radix: 16)
        }
    }

    /// The bytes of `field` up to its first NUL.
    private static func cString(_ field: ArraySlice<UInt8>) -> [UInt8] {
        Array(field.prefix { $0 != 0 })
    }

    /// Parses an octal numeric field: optional leading spaces, 1 or more octal digits, then only
    /// NUL or space to the end; nil for anything else (including GNU base-256 sizes).
    static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        var index = field.startIndex
        while index < field.endIndex, field[index] == UInt8(ascii: " ") { index += 1 }
        var value = 0
        var digits = 0
        while index < field.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(field[index]) {
            value = value << 3 | Int(field[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard digits > 0, digits <= 11 else { return nil }
        while index < field.endIndex {
            guard field[index] == 0 || field[index] == UInt8(ascii: " ") else { return nil }
            index += 1
        }
        return value
    }
}
