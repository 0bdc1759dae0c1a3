import Foundation
import KioskTestSupport

/// A temporary folder for one test, in which batches are written and the real `tar`, `openssl`
/// and `sha256sum` binaries run, the way headquarters staff would check a batch by hand.
final class Workspace {
    /// The output of one finished command.
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The stock tools, found on PATH.
    static let tar = ProcessRunner.path(of: "tar")
    static let openssl = ProcessRunner.path(of: "openssl")
    static let sha256sum = ProcessRunner.path(of: "sha256sum")
    /// Whether the stock-tool tests run: all three tools are on PATH, or this is CI, where a
    /// missing tool fails them instead of skipping them.
    static var hasStockTools: Bool { ProcessRunner.runs(with: "tar", "openssl", "sha256sum") }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiosk-batch-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Runs `executable` with `arguments` in `subfolder` (created if needed); output goes through
    /// files, so a chatty tool can never block on a full pipe.
    func run(_ executable: String, _ arguments: [String], in subfolder: String? = nil) throws -> Result {
        var folder = directory
        if let subfolder {
            folder = directory.appendingPathComponent(subfolder, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
