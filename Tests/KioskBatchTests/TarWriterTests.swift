import Foundation
import Testing

@testable import KioskBatch

@Suite("TarWriter")
struct TarWriterTests {
    @Test("headers are POSIX ustar, 0644, owned by kiosk, with a valid checksum")
    func headerLayout() throws {
        // Given an archive with one small file
        let archive = try SampleBatch.archive(entries: [("hello.txt", Array("hi\n".utf8))])
        // When its header is inspected
        let header = Array(archive[0..<512])
        // Then every field is what the format promises
        #expect(archive.count == 512 * 4)
        #expect(Array(header[0..<10]) == Array("hello.txt\0".utf8))
        #expect(Array(header[100..<108]) == Array("0000644\0".utf8))
        #expect(Array(header[108..<116]) == Array("0000000\0".utf8))
        #expect(Array(header[124..<136]) == Array("00000000003\0".utf8))
        #expect(header[156] == UInt8(ascii: "0"))
        #expect(Array(header[257..<265]) == Array("ustar\u{0}00".utf8))
        #expect(Array(header[265..<271]) == Array("kiosk\0".utf8))
        #expect(Array(header[297..<303]) == Array("kiosk\0".utf8))
        #expect(TarHeader.octal(header[148..<156]) == TarHeader.checksum(of: header))
        #expect(Array(archive[512..<515]) == Array("hi\n".utf8))
        #expect(archive[515...].allSatisfy { $0 == 0 })
    }

    @Test("GNU tar lists and extracts what the writer wrote", .enabled(if: Workspace.hasStockTools))
    func gnuTarReadsIt() throws {
        // Given an archive with an empty file, a small one, and one over the 64 KiB buffer
        let workspace = try Workspace()
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try SampleBatch.withFile(workspace.path("t.tar")) { fd in
            var writer = TarWriter(fileDescriptor: fd)
            try writer.addFile(name: "empty", bytes: [], modificationTime: SampleBatch.modificationTime)
            try writer.addFile(name: "small.txt", bytes: Array("abc".utf8), modificationTime: 0)
            try writer.addFile(name: "big.bin", size: big.count, modificationTime: 1) { sink in
                // written in uneven pieces, so buffer boundaries fall mid-piece
                var index = 0
                while index < big.count {
                    let end = min(big.count, index + 1_000 + index % 777)
                    try sink.write(big[index..<end])
                    index = end
                }
            }
            try writer.finish()
            #expect(writer.bytesWritten == 512 * 3 + 512 + 200_192 + 1_024)
        }
        // When GNU tar lists and extracts it
        let list = try workspace.run(Workspace.tar, ["-tvf", "t.tar"])
        let extract = try workspace.run(Workspace.tar, ["-xf", "../t.tar"], in: "out")
        // Then it sees the three files with the right owner, mode and size, and no warning
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stderr.isEmpty, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("-rw-r--r-- kiosk/kiosk") })
        #expect(lines.map { $0.split(separator: " ").last.map(String.init) } == ["empty", "small.txt", "big.bin"])
        #expect(lines[1].contains(" 3 "))
        #expect(extract.status == 0, "\(extract.stderr)")
        #expect(try workspace.read("out/big.bin") == big)
        #expect(try workspace.read("out/small.txt") == Array("abc".utf8))
        #expect(try workspace.read("out/empty").isEmpty)
    }

    @Test("contents shorter than the declared size are an error, and the writer stops")
    func tooShort() throws {
        let workspace = try Workspace()
        try SampleBatch.withFile(workspace.path("t.tar")) { fd in
            // Given a file declared as 10 bytes
            var writer = TarWriter(fileDescriptor: fd)
            // When only 9 are written, Then addFile throws and later calls are refused
            #expect(throws: BatchError.self) {
                try writer.addFile(name: "x", size: 10, modificationTime: 0) { sink in
                    try sink.write(Array("123456789".utf8))
                }
            }
            #expect(throws: BatchError.self) { try writer.finish() }
        }
    }

    @Test("contents longer than the declared size are refused at the write")
    func tooLong() throws {
        let workspace = try Workspace()
        try SampleBatch.withFile(workspace.path("t.tar")) { fd in
            // Given a file declared as 3 bytes
            var writer = TarWriter(fileDescriptor: fd)
            var refusedAtWrite = false
            // When 4 are written, Then the write itself throws
            #expect(throws: BatchError.self) {
                try writer.addFile(name: "x", size: 3, modificationTime: 0) { sink in
                    do {
                        try sink.write("abcd")
                    } catch {
                        refusedAtWrite = true
                        throw error
                    }
                }
            }
            #expect(refusedAtWrite)
            #expect(throws: BatchError.self) { try writer.addFile(name: "y", bytes: [], modificationTime: 0) }
        }
    }

    @Test("an error thrown by the contents closure is passed on unchanged")
    func closureErrorPassesThrough() throws {
        struct DatabaseGone: Error, Equatable {}
        let workspace = try Workspace()
        try SampleBatch.withFile(workspace.path("t.tar")) { fd in
            var writer = TarWriter(fileDescriptor: fd)
            #expect(throws: DatabaseGone()) {
                try writer.addFile(name: "x", size: 3, modificationTime: 0) { _ in throw DatabaseGone() }
            }
        }
    }

    @Test("names must fit the 100-byte name field")
    func nameLimits() throws {
        var writer = TarWriter(fileDescriptor: -1)
        #expect(throws: BatchError.self) {
            try writer.addFile(name: String(repeating: "n", count: 101), bytes: [], modificationTime: 0)
        }
        #expect(throws: BatchError.self) {
            try TarHeader.make(name: "", size: 0, modificationTime: 0)
        }
        #expect(throws: BatchError.self) {
            try TarHeader.make(name: "big", size: TarHeader.maximumOctalValue + 1, modificationTime: 0)
        }
        #expect((try? TarHeader.make(name: String(repeating: "n", count: 100), size: 0, modificationTime: 0)) != nil)
    }

    @Test("a descriptor that cannot be written gives an io error")
    func writeFailure() {
        // Given a writer on an invalid descriptor
        var writer = TarWriter(fileDescriptor: -1)
        // When the archive is flushed, Then the OS error is reported as .io
        #expect {
            try writer.addFile(name: "x", bytes: [1], modificationTime: 0)
            try writer.finish()
        } throws: { error in
            (error as? BatchError)?.code == .io && "\(error)".contains("Bad file descriptor")
        }
    }
}
