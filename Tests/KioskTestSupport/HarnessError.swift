/// Why a harness step failed, with the end of the child's output, so that a failing
/// end-to-end test shows what the kiosk actually printed.
package enum HarnessError: Error, CustomStringConvertible {
    /// A system call failed while setting up or driving the child.
    case systemCall(String, code: Int32)
    /// The expected text did not appear in time.
    case timedOut(waitingFor: String, after: Duration, outputTail: String)
    /// The child exited (or closed its output) before the expected text appeared.
    case exitedEarly(waitingFor: String, status: Int32?, outputTail: String)
    /// The child was still running when `waitForExit` gave up.
    case stillRunning(after: Duration, outputTail: String)
    /// A tool the test needs is not on PATH (the README's apt-get line installs it).
    case missingTool(String)
    /// A tool exited with a non-zero status.
    case toolFailed(String, status: Int32, stderr: String)

    /// How much of the output's end a description shows.
    package static let tailLength = 2000

    package var description: String {
        switch self {
        case .systemCall(let name, let code):
            return "\(name) failed with errno \(code)"
        case .timedOut(let needle, let timeout, let tail):
            return "timed out after \(timeout) waiting for \(needle.debugDescription); output ends with:\n\(tail)"
        case .exitedEarly(let needle, let status, let tail):
            let how = status.map { "exited with status \($0)" } ?? "closed its output"
            return "child \(how) before printing \(needle.debugDescription); output ends with:\n\(tail)"
        case .stillRunning(let timeout, let tail):
            return "child still running after \(timeout); output ends with:\n\(tail)"
        case .missingTool(let name):
            return "\(name) is not on PATH; install it (the README's apt-get line names every tool the tests use)"
        case .toolFailed(let name, let status, let stderr):
            return "\(name) exited with status \(status): \(Self.tail(of: stderr))"
        }
    }

    /// The last `tailLength` characters of `output`, with controls other than newline made
    /// visible, so escape sequences and carriage returns cannot garble the test log.
    package static func tail(of output: String) -> String {
        var visible = ""
        for scalar in output.suffix(tailLength).unicodeScalars {
            if scalar == "\n" || !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) {
                visible.unicodeScalars.append(scalar)
            } else {
                visible += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return visible
    }
}
