import Foundation
import KioskSupport
import Testing

@Suite("FileLock")
struct FileLockTests {
    @Test("a held lock makes tryLock answer nil; dropping it frees the lock")
    func exclusive() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent(".lock").path

        var held: FileLock? = try FileLock(path: path)
        #expect(held?.path == path)
        // flock locks belong to the open file description, so a second open in the same
        // process conflicts exactly as another process would.
        #expect(try FileLock.tryLock(path: path) == nil)
        held = nil
        let again = try FileLock.tryLock(path: path)
        #expect(again != nil)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("a lock in a missing folder is an error that names the path")
    func missingFolder() throws {
        let path = "/nonexistent-\(UUID().uuidString)/.lock"
        let error = #expect(throws: FileError.self) { try FileLock(path: path) }
        #expect(error?.description == "cannot open \(path): No such file or directory")
    }
}
