import Foundation
import KioskCrypto
import Testing

@testable import KioskBatch

/// Headquarters reads bodies from anyone: every malformed archive must end in a BatchError,
/// never a crash, a hang or a huge allocation.
@Suite("Hostile archives")
struct HostileArchiveTests {
    let workspace: Workspace
    let key: Ed25519PrivateKey
    let batch: SampleBatch
    let archive: [UInt8]

    init() throws {
        workspace = try Workspace()
        key = try Ed25519PrivateKey.generate()
        batch = try SampleBatch(key: key, count: 4)
        archive = try batch.archive()
    }

    /// Writes `bytes` to a file, reads and verifies it, and returns the error (nil if accepted).
    func outcome(_ bytes: [UInt8], limits: BatchReader.Limits = .init()) throws -> BatchError? {
        let path = workspace.path("\(UUID().uuidString).tar")
        try workspace.write((path as NSString).lastPathComponent, bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let contents = try BatchReader.read(path: path, limits: limits)
            try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
            return nil
        } catch {
            return error
        }
    }

    /// An archive of the batch's entries with the records replaced by `records`.
    func archive(records: [UInt8]) throws -> [UInt8] {
        try SampleBatch.archive(entries: [
            (BatchEntry.manifest, batch.manifestBytes), (BatchEntry.records, records),
            (BatchEntry.signature, batch.signature),
        ])
    }

    @Test("the intact archive is accepted (the baseline for every case below)")
    func baseline() throws {
        #expect(try outcome(archive) == nil)
    }

    @Test("truncated at every 512-byte boundary")
    func truncatedAtBlocks() throws {
        // Given every block-aligned prefix of a valid archive, When read, Then each is refused
        for length in stride(from: 0, to: archive.count, by: 512) {
            let error = try outcome(Array(archive.prefix(length)))
            #expect(error?.code == .malformedArchive, "length \(length): \(String(describing: error))")
        }
    }

    @Test("truncated at random points")
    func truncatedAnywhere() throws {
        // Given 60 prefixes at random lengths, When read, Then each is refused
        var random = SeededGenerator(seed: 0x5EED_0001)
        for _ in 0..<60 {
            let length = Int.random(in: 0..<archive.count, using: &random)
            #expect(try outcome(Array(archive.prefix(length))) != nil, "length \(length)")
        }
    }

    @Test("a bad header checksum")
    func badChecksum() throws {
        // Given the manifest header with one checksum digit changed
        var bytes = archive
        bytes[150] = bytes[150] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        // When read, Then the checksum is named
        let error = try #require(try outcome(bytes))
        #expect(error.code == .malformedArchive)
        #expect(error.message.hasPrefix("entry 1 header checksum is "))
    }

    @Test("a fourth entry")
    func fourthEntry() throws {
        // Given the three entries followed by a fourth
        let bytes = try SampleBatch.archive(entries: [
            (BatchEntry.manifest, batch.manifestBytes), (BatchEntry.records, batch.recordsBytes),
            (BatchEntry.signature, batch.signature), ("extra.txt", Array("hello".utf8)),
        ])
        // When read, Then the extra entry is named
        let error = try #require(try outcome(bytes))
        #expect(error.code == .malformedArchive)
        #expect(error.message.contains("4th entry \"extra.txt\""))
    }

    @Test("entries out of order")
    func outOfOrder() throws {
        // Given records before the manifest
        let bytes = try SampleBatch.archive(entries: [
            (BatchEntry.records, batch.recordsBytes), (BatchEntry.manifest, batch.manifestBytes),
            (BatchEntry.signature, batch.signature),
        ])
        // When read, Then the message says which entry was found where
        #expect(
            try outcome(bytes)
                == BatchError(.malformedArchive, #"entry 1 is "records.jsonl", expected "manifest.json""#))
        // And a wrong second entry is named the same way
        let other = try SampleBatch.archive(entries: [
            (BatchEntry.manifest, batch.manifestBytes), ("foo.txt", batch.recordsBytes),
            (BatchEntry.signature, batch.signature),
        ])
        #expect(try outcome(other) == BatchError(.malformedArchive, #"entry 2 is "foo.txt", expected "records.jsonl""#))
    }

    @Test("a symbolic link named manifest.json")
    func symlink() throws {
        // Given a first entry that is a symlink to /etc/passwd
        let link = try TarBytes.header(name: BatchEntry.manifest, size: 0) { header in
            header[TarHeader.Field.typeflag] = UInt8(ascii: "2")
            header.replaceSubrange(157..<168, with: Array("/etc/passwd".utf8))
        }
        let bytes = link + Array(archive[(512 + TarBytes.padded(batch.manifestBytes).count)...])
        // When read, Then it is refused as not a regular file
        let error = try #require(try outcome(bytes))
        #expect(
            error
                == BatchError(
                    .malformedArchive, #"entry 1 "manifest.json" is a symbolic link, expected a regular file"#))
    }

    @Test("a directory entry")
    func directory() throws {
        // Given a directory entry before the manifest, and a manifest.json that is a directory
        let folder = try TarBytes.header(name: "keys/", size: 0) { $0[TarHeader.Field.typeflag] = UInt8(ascii: "5") }
        let asFolder = try TarBytes.header(name: BatchEntry.manifest, size: 0) {
            $0[TarHeader.Field.typeflag] = UInt8(ascii: "5")
        }
        // When read, Then both are refused
        #expect(try outcome(folder + archive)?.code == .malformedArchive)
        #expect(try outcome(asFolder + TarBytes.end)?.message.contains("is a directory") == true)
    }

    @Test("pax and GNU headers are refused")
    func extensions() throws {
        // Given a pax extended header first, and a GNU-format (old magic) header
        let pax = try TarBytes.entry("PaxHeaders/manifest.json", Array("30 path=manifest.json\n".utf8)) {
            $0[TarHeader.Field.typeflag] = UInt8(ascii: "x")
        }
        var gnu = archive
        gnu.replaceSubrange(257..<265, with: Array("ustar  \0".utf8))
        TarBytes.resum(&gnu[0..<512])
        // When read, Then both are refused
        #expect(try outcome(pax + archive)?.code == .malformedArchive)
        #expect(try outcome(gnu)?.message.contains("not a POSIX ustar header") == true)
    }

    @Test("a size field that is not octal")
    func nonOctalSize() throws {
        // Given the records header with an '8' in its size
        var bytes = archive
        let offset = TarBytes.headerOffsets(manifest: batch.manifestBytes.count, records: batch.recordsBytes.count)[1]
        bytes[offset + 124 + 5] = UInt8(ascii: "8")
        TarBytes.resum(&bytes[offset..<(offset + 512)])
        // When read, Then the size field is named
        #expect(
            try outcome(bytes)
                == BatchError(
                    .malformedArchive, "entry 2 header has a size field that is not octal digits"))
        // And base-256 sizes (a GNU extension) are refused too
        var binary = archive
        binary[offset + 124] = 0x80
        TarBytes.resum(&binary[offset..<(offset + 512)])
        #expect(try outcome(binary)?.code == .malformedArchive)
    }

    @Test("a size beyond the end of the file")
    func sizeBeyondFile() throws {
        // Given a records header that declares 1 MiB in a small file
        var bytes = archive
        let offset = TarBytes.headerOffsets(manifest: batch.manifestBytes.count, records: batch.recordsBytes.count)[1]
        bytes.replaceSubrange((offset + 124)..<(offset + 136), with: Array("00004000000\0".utf8))
        TarBytes.resum(&bytes[offset..<(offset + 512)])
        // When read, Then it says how much is declared and how much remains
        let error = try #require(try outcome(bytes))
        #expect(error.code == .malformedArchive)
        #expect(error.message.hasPrefix(#"entry 2 "records.jsonl" declares 1048576 bytes but only "#))
    }

    @Test("a huge declared manifest is refused as too large before it is allocated")
    func hugeManifest() throws {
        // Given a manifest header declaring 8 GiB - 1 (the ustar maximum)
        let header = try TarBytes.header(name: BatchEntry.manifest, size: TarHeader.maximumOctalValue)
        // When read, Then it is too large (and nothing near 8 GiB was read or allocated)
        #expect(
            try outcome(header + TarBytes.end)
                == BatchError(
                    .tooLarge, "manifest.json is 8589934591 bytes, over the limit of 16777216 bytes"))
        // And the real manifest is refused under a tighter limit
        var limits = BatchReader.Limits()
        limits.maxManifestBytes = 100
        #expect(try outcome(archive, limits: limits)?.code == .tooLarge)
        // And so are records over their limit
        limits = BatchReader.Limits()
        limits.maxRecordsBytes = 100
        #expect(try outcome(archive, limits: limits)?.code == .tooLarge)
    }

    @Test("a records line over the line limit")
    func longLine() throws {
        // Given the line limit below the length of the records' lines
        var limits = BatchReader.Limits()
        limits.maxRecordLineBytes = 100
        // When read, Then the first line is too large
        #expect(
            try outcome(archive, limits: limits)
                == BatchError(
                    .tooLarge, "records.jsonl line 1 is longer than the limit of 100 bytes"))
        // And one endless line of 3 MiB without a newline is refused with the default limit
        let endless = try archive(records: [UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20))
        #expect(try outcome(endless)?.code == .tooLarge)
    }

    /// Records contents that are not valid records, each with why.
    static let badRecords: [(String, String)] = [
        ("not JSON", "hello\n"),
        ("JSON array", "[1,2]\n"),
        ("reference is a number", #"{"reference":42}"# + "\n"),
        ("no reference", #"{"answers":{}}"# + "\n"),
        ("empty line", "\n"),
        ("truncated object", #"{"reference":"DEMO01"# + "\n"),
        ("trailing garbage", #"{"reference":"x"} x"# + "\n"),
        ("no final newline", #"{"reference":"x"}"#),
        ("deep nesting", #"{"reference":"x","a":"# + String(repeating: "[", count: 100_000) + "\n"),
        ("NUL byte", "{\"reference\":\"x\"}\u{0}\n"),
        ("UTF-16", "{\u{0}\"\u{0}r\u{0}\"\u{0}:\u{0}1\u{0}}\u{0}\n"),
        ("overlong reference", #"{"reference":""# + String(repeating: "R", count: 65) + "\"}\n"),
    ]

    @Test("records that are not JSON objects with a string reference", arguments: badRecords)
    func badRecordLines(reason: String, records: String) throws {
        // Given the signed manifest with records replaced by a bad line
        let bytes = try archive(records: Array(records.utf8))
        // When read, Then it is refused as malformed, without quoting the line
        let error = try #require(try outcome(bytes), "\(reason)")
        #expect(error.code == .malformedArchive, "\(reason): \(error)")
        #expect(error.message.hasPrefix("records.jsonl"), "\(reason): \(error)")
    }

    @Test("more record lines than the manifest's count stop the read")
    func tooManyLines() throws {
        // Given the records of a 4-record batch followed by a fifth line
        let extra = batch.recordsBytes + Array(SampleBatch.record(center: "DEMO01", serial: 99).jsonLine().utf8)
        // When read, Then the count is exceeded
        #expect(
            try outcome(try archive(records: extra))
                == BatchError(
                    .countMismatch, "records.jsonl has more than 4 records but the manifest says count 4"))
    }

    @Test("a signature entry of the wrong size")
    func signatureSize() throws {
        // Given a 63-byte and a 65-byte manifest.sig
        for signature in [Array(batch.signature.dropLast()), batch.signature + [0]] {
            let bytes = try SampleBatch.archive(entries: [
                (BatchEntry.manifest, batch.manifestBytes), (BatchEntry.records, batch.recordsBytes),
                (BatchEntry.signature, signature),
            ])
            // When read, Then it is a bad signature
            #expect(try outcome(bytes)?.code == .badSignature)
        }
    }

    @Test("non-zero padding, a missing end block, and data after the end are refused")
    func padding() throws {
        // Given non-zero padding after the manifest
        try #require(batch.manifestBytes.count % 512 != 0)
        var dirty = archive
        dirty[512 + batch.manifestBytes.count] = 0x20
        #expect(try outcome(dirty)?.message.contains("non-zero bytes in the padding") == true)
        // Given only one end block
        #expect(try outcome(Array(archive.dropLast(512)))?.code == .malformedArchive)
        // Given a block of garbage after the end
        #expect(try outcome(archive + [UInt8](repeating: 0x41, count: 512))?.code == .malformedArchive)
        // Given zero blocks after the end (as tar pads to 10 KiB records), Then that is accepted
        #expect(try outcome(archive + [UInt8](repeating: 0, count: 10_240 - archive.count % 10_240)) == nil)
    }

    @Test("files that are not tar archives at all")
    func notTar() throws {
        // Given an empty file, a text file, a block of random bytes and a block of zeros
        var random = SeededGenerator(seed: 7)
        let noise = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect(try outcome([]) == BatchError(.malformedArchive, "the file is empty; a batch is a tar archive"))
        #expect(try outcome(Array("{\"format\":\"kiosk-batch/1\"}\n".utf8))?.code == .malformedArchive)
        #expect(try outcome(noise)?.code == .malformedArchive)
        #expect(try outcome([UInt8](repeating: 0, count: 4_096))?.code == .malformedArchive)
        #expect(try outcome(batch.manifestBytes)?.code == .malformedArchive)
    }

    @Test("a path that is missing, a directory or a FIFO gives an io error without hanging")
    func notAFile() throws {
        // Given a missing path, a directory, and a FIFO nobody writes to
        let fifo = workspace.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // When read, Then each is an io error, at once
        for path in [workspace.path("missing.tar"), workspace.directory.path, fifo] {
            let error = batchError { _ = try BatchReader.read(path: path) }
            #expect(error?.code == .io, "\(path): \(String(describing: error))")
        }
    }

    @Test("hostile entry names are escaped and cut short in messages")
    func hostileName() throws {
        // Given a first entry whose name holds a terminal escape sequence and is 100 bytes long
        let name = "\u{1b}[2J\u{1b}[31mFORGED LOG LINE\n" + String(repeating: "x", count: 70)
        let bytes = try SampleBatch.archive(entries: [(name, [1])])
        // When read, Then the message shows the name escaped, without raw control characters, and cut
        let error = try #require(try outcome(bytes))
        #expect(error.message.hasPrefix(#"entry 1 is "\u001b[2J\u001b[31mFORGED LOG LINE\u000axxx"#))
        #expect(error.message.contains("…"))
        #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test("messages about bad records never quote the record")
    func noPersonalData() throws {
        // Given records whose second line is broken JSON holding personal data
        let secret = "Шевченко Тарас, 1814-03-09, 1234567890"
        var records = Array(SampleBatch.record(center: "DEMO01", serial: 1).jsonLine().utf8)
        records += Array(#"{"reference":"DEMO01-2026-000002-A","name":"\#(secret)""#.utf8) + [UInt8(ascii: "\n")]
        // When read, Then the line number is given but none of its contents
        let error = try #require(try outcome(try archive(records: records)))
        #expect(
            error
                == BatchError(
                    .malformedArchive, #"records.jsonl line 2 is not a JSON object with a string "reference""#))
        #expect(!error.message.contains("Шевченко"))
    }
}
