import Foundation
import KioskCore
import KioskTerminal

/// Runs the uploader (`kiosk upload`) as a child process for a supervisor's `upload`, and
/// turns what it printed into escaped console lines; or, with a request file, only asks the
/// upload service to run.
///
/// The child gets no input (it must not read the staff's keystrokes) and its output is
/// captured, not passed through, so nothing it prints can control the terminal.
///
/// Deployed, the console has no network and cannot read the center's signing key
/// (`kiosk-review@.service`): it writes `requestFile` (`KIOSK_UPLOAD_REQUEST`), and
/// `kiosk-upload.path` starts `kiosk-upload.service`, which has both.
package struct UploadLauncher: Sendable {
    package let executable: URL
    package let arguments: [String]
    /// False when this build has no uploader: the console says so instead of running anything.
    package let isAvailable: Bool
    /// Where to ask the upload service for a run, instead of running the uploader here.
    package let requestFile: URL?

    package init(executable: URL, arguments: [String], isAvailable: Bool, requestFile: URL? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.isAvailable = isAvailable
        self.requestFile = requestFile
    }

    package struct Result: Sendable, Equatable {
        package let status: Int32?
        package let lines: [String]
    }

    /// Runs the child to the end; at most the last 40 lines of its output are kept. The
    /// console's own lines are in the language of `strings`.
    package func run(strings: InterfaceStrings) -> Result {
        guard isAvailable else { return Result(status: nil, lines: [strings.format(.uploadNotInBuild)]) }
        if let requestFile { return request(requestFile, strings: strings) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return Result(
                status: nil,
                lines: [strings.format(.uploadNotStarted, ["error": TerminalText.escape(error.localizedDescription)])])
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let status = process.terminationStatus
        // An executable without the subcommand refuses the word (ArgumentParser's usage error, 64).
        if status == 64 && text.contains("upload") && (text.contains("Unexpected argument") || text.contains("Unknown"))
        {
            return Result(status: status, lines: [strings.format(.uploadNotInBuild)])
        }
        let printed = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.isEmpty }.suffix(40).map { "  " + TerminalText.escape($0) }
        let summary: String
        switch status {
        case 0: summary = strings.format(.uploadFinished)
        case 75: summary = strings.format(.uploadUnreachable)
        default: summary = strings.format(.uploadFailed, ["status": "\(status)"])
        }
        return Result(status: status, lines: printed + [summary])
    }

    /// Writes the request for the upload service: the time, so that each request changes the
    /// file (`kiosk-upload.path` starts the service on every change).
    private func request(_ file: URL, strings: InterfaceStrings) -> Result {
        let written = Data("\(Date().timeIntervalSince1970)\n".utf8)
        do {
            try written.write(to: file)
        } catch {
            return Result(
                status: nil,
                lines: [strings.format(.uploadRequestFailed, ["file": TerminalText.escape(file.path)])])
        }
        return Result(
            status: 0,
            lines: [strings.format(.uploadRequested)])
    }
}
