import Foundation
import KioskSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("DurableFile and DurableStream")
struct DurableFileTests {
    @Test("writeNew writes the bytes with the mode, leaves no temporary file and never overwrites")
    func writeNew() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("key.pem")

        try DurableFile.writeNew(Array("secret\n".utf8), to: file, mode: 0o600)

        #expect(try Data(contentsOf: file) == Data("secret\n".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try folder.names() == ["key.pem"])
        let error = #expect(throws: FileError.self) {
            try DurableFile.writeNew(Array("other".utf8), to: file, mode: 0o600)
        }
        #expect(error?.code == EEXIST)
        #expect(error?.description == "cannot create \(file.path): File exists")
        #expect(try Data(contentsOf: file) == Data("secret\n".utf8))
        #expect(try folder.names() == ["key.pem"])
    }

    @Test("createFolder makes every missing parent with the mode and keeps an existing folder")
    func createFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let deep = folder.url.appendingPathComponent("a/b/c")

        try DurableFile.createFolder(deep)
        try DurableFile.createFolder(deep)

        for path in ["a", "a/b", "a/b/c"] {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: folder.url.appendingPathComponent(path).path)
            #expect(attributes[.type] as? FileAttributeType == .typeDirectory)
            #expect(attributes[.posixPermissions] as? Int == 0o700)
        }
    }

    @Test("move creates the target folder and renames; a missing source is ENOENT")
    func move() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = folder.url.appendingPathComponent("batch.tar")
        let target = folder.url.appendingPathComponent("sent/batch.tar")
        try DurableFile.writeNew([1, 2, 3], to: source, mode: 0o600)

        try DurableFile.move(source, to: target)

        #expect(try Data(contentsOf: target) == Data([1, 2, 3]))
        #expect(try folder.names() == ["sent"])
        let error = #expect(throws: FileError.self) { try DurableFile.move(source, to: target) }
        #expect(error?.code == ENOENT)
    }

    @Test("a stream is invisible under its final name until committed, and removed when dropped")
    func stream() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let final = folder.url.appendingPathComponent("DEMO01-00000001.tar")
        let temporary = DurableFile.temporaryURL(for: final)
        #expect(temporary.lastPathComponent == ".DEMO01-00000001.tar.partial")

        do {
            let dropped = try DurableStream(temporary: temporary, exclusive: true)
            try [UInt8](repeating: 7, count: 10).withUnsafeBytes { try dropped.write($0) }
            #expect(try folder.names() == [".DEMO01-00000001.tar.partial"])
        }
        #expect(try folder.names().isEmpty)

        let stream = try DurableStream(temporary: temporary, exclusive: true)
        let chunk = [UInt8](repeating: 0xAB, count: 1 << 16)
        for _ in 0..<3 { try chunk.withUnsafeBytes { try stream.write($0) } }
        try stream.commit(to: final)
        stream.discard()

        #expect(try folder.names() == ["DEMO01-00000001.tar"])
        #expect(try Data(contentsOf: final).count == 3 << 16)
    }

    @Test("an exclusive stream refuses a name that exists; a non-exclusive one truncates a leftover")
    func streamLeftover() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let temporary = folder.url.appendingPathComponent(".x.partial")
        try Data("leftover of a killed run".utf8).write(to: temporary)

        let error = #expect(throws: FileError.self) { try DurableStream(temporary: temporary, exclusive: true) }
        #expect(error?.code == EEXIST)
        let stream = try DurableStream(temporary: temporary, exclusive: false)
        try Array("new".utf8).withUnsafeBytes { try stream.write($0) }
        try stream.commit(to: folder.url.appendingPathComponent("x"))
        #expect(try Data(contentsOf: folder.url.appendingPathComponent("x")) == Data("new".utf8))
    }
}
