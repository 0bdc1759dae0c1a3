import Foundation
import Glibc
import KioskTestSupport
import Testing

extension PseudoTerminalTests {
    /// Tests of `PipeProcess` and `Products`; nested in the harness suite so that the
    /// harness filter (`PseudoTerminal`) runs them too.
    @Suite("PipeProcess harness")
    struct PipeProcessTests {
        private func shell(_ script: String) throws -> PipeProcess {
            try PipeProcess(
                executable: PseudoTerminalTests.shell, arguments: ["-c", script],
                environment: PseudoTerminalTests.environment)
        }

        @Test("stdout and stderr are separate; input is not echoed; the exit status is returned")
        func outputStreams() throws {
            let child = try shell("read x; echo out:$x; echo err:$x >&2; exit 4")
            child.write("hi\n")
            #expect(try child.expect("out:hi") == "out:hi")
            try child.expect("err:hi", in: .standardError)
            #expect(try child.waitForExit() == 4)
            #expect(child.output == "out:hi\n")
            #expect(child.errorOutput == "err:hi\n")
        }

        @Test("closeInput gives the child end of input")
        func closeInputEndsInput() throws {
            let child = try shell("cat; echo end")
            child.write("line one\n")
            try child.expect("line one\n")
            child.closeInput()
            #expect(try child.waitForExit() == 0)
            #expect(child.output == "line one\nend\n")
        }

        @Test("expect fails at once when the child exits; kill reports 128 + signal")
        func failuresAndSignals() throws {
            let quitting = try shell("echo bye")
            let error = #expect(throws: HarnessError.self) {
                try quitting.expect("never printed", timeout: .seconds(30))
            }
            #expect(String(describing: error).contains("bye"))

            let sleeping = try PipeProcess(
                executable: URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"],
                environment: PseudoTerminalTests.environment)
            #expect(sleeping.isRunning)
            sleeping.kill(signal: SIGTERM)
            #expect(try sleeping.waitForExit() == 128 + SIGTERM)
        }

        @Test("Writing after the child exited does not kill the tests")
        func writeAfterExit() throws {
            let child = try shell("exit 0")
            #expect(try child.waitForExit() == 0)
            child.write(String(repeating: "x", count: 100_000))
            #expect(!child.isRunning)
        }

        @Test("productsDirectory is the build folder holding the test binary")
        func productsDirectory() throws {
            let directory = Products.productsDirectory()
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(entries.contains { $0.hasSuffix("PackageTests.xctest") }, "\(directory.path): \(entries)")
            #expect(Products.executable(named: "kiosk").deletingLastPathComponent().path == directory.path)
        }
    }
}
