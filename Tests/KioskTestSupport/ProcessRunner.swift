import Foundation

/// Runs a program to the end (a stock tool such as `sqlite3` or `openssl`, or a built
/// product) and returns what it printed, so every test target runs processes one way.
package enum ProcessRunner {
    /// The output of one finished command.
    package struct Result: Sendable {
        package let status: Int32
        package let stdout: Data
        package let stderr: String
        package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The tool `name` on PATH (the machine's, not a fixed folder), or an error saying what to install.
    package static func tool(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw HarnessError.missingTool(name)
    }

    /// Whether the tests that need `names` should run: all of them are on PATH, or this is CI
    /// (environment `CI` set), where a test that needs a missing tool must fail, not be skipped.
    package static func runs(with names: String...) -> Bool {
        ProcessInfo.processInfo.environment["CI"] != nil || names.allSatisfy { (try? tool($0)) != nil }
    }

    /// The path of `name` on PATH, or the bare name (so running it fails and says which tool is missing).
    package static func path(of name: String) -> String {
        (try? tool(name).path) ?? name
    }

    /// Runs `executable` with `arguments`; `input` goes to standard input from another thread,
    /// so a large script and a large answer cannot deadlock.
    package static func run(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil,
        in directory: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input == nil ? FileHandle.nullDevice : standardInput
        try process.run()
        if let input {
            let writer = Thread {
                standardInput.fileHandleForWriting.write(input)
                try? standardInput.fileHandleForWriting.close()
            }
            writer.start()
        }
        // Standard error is read on its own thread so neither pipe can fill up and stall the tool.
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errorData.waitForValue(), as: UTF8.self)
        return Result(status: process.terminationStatus, stdout: data, stderr: stderr)
    }

    /// Runs the tool `name` from PATH; a non-zero exit is an error carrying its standard error.
    package static func check(_ name: String, _ arguments: [String], input: String? = nil) throws -> String {
        let result = try run(tool(name), arguments, input: input.map { Data($0.utf8) })
        guard result.status == 0 else {
            throw HarnessError.toolFailed(name, status: result.status, stderr: result.stderr)
        }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Data handed from a reader thread to the waiting caller.
private final class LockedData: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Data?

    func set(_ data: Data) {
        condition.lock()
        value = data
        condition.signal()
        condition.unlock()
    }

    func waitForValue() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value ?? Data()
    }
}
