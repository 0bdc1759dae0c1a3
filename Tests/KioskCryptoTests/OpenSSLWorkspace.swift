import Foundation
import KioskTestSupport

/// A temporary folder in which tests run the real `openssl` command-line tool.
///
/// Interop tests compare this module against the system `openssl` binary, the same tool
/// an operator would use to create or inspect kiosk keys. The folder is removed on deinit.
final class OpenSSLWorkspace {
    /// The system OpenSSL CLI the tests compare against, found on PATH.
    static let opensslPath = ProcessRunner.path(of: "openssl")
    /// Whether the interop tests run: the CLI is on PATH, or this is CI, where its absence fails
    /// them instead of skipping them.
    static var isAvailable: Bool { ProcessRunner.runs(with: "openssl") }

    /// The output of one finished command.
    typealias Result = ProcessRunner.Result

    let directory: URL

    private let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder(prefix: "kiosk-crypto-tests")
        directory = folder.url
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: url(name))
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url(name))
    }

    func readBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }

    func readText(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: url(name)), as: UTF8.self)
    }

    /// Runs `openssl` with `arguments` inside the folder.
    func openssl(_ arguments: String...) throws -> Result {
        try openssl(arguments)
    }

    /// Runs `openssl` with `arguments` inside the folder.
    func openssl(_ arguments: [String]) throws -> Result {
        try run(Self.opensslPath, arguments)
    }

    /// Runs `openssl` and fails the test (by throwing) unless it exits with status 0.
    @discardableResult
    func opensslSucceeding(_ arguments: String...) throws -> Result {
        try opensslSucceeding(arguments)
    }

    /// Runs `openssl` and fails the test (by throwing) unless it exits with status 0.
    @discardableResult
    func opensslSucceeding(_ arguments: [String]) throws -> Result {
        let result = try run(Self.opensslPath, arguments)
        guard result.status == 0 else {
            throw ToolFailure(command: "openssl " + arguments.joined(separator: " "), result: result)
        }
        return result
    }

    /// Runs a `/bin/sh -c` pipeline inside the folder.
    func shell(_ command: String) throws -> Result {
        try run("/bin/sh", ["-c", command])
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> Result {
        try ProcessRunner.run(URL(fileURLWithPath: executable), arguments, in: directory)
    }
}

/// A command that was expected to succeed but did not.
struct ToolFailure: Error, CustomStringConvertible {
    let command: String
    let result: OpenSSLWorkspace.Result
    var description: String { "`\(command)` exited with \(result.status): \(result.stderr)" }
}
