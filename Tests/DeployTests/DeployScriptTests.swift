import Foundation
import Testing

/// The deployment checks of deploy/tests/run.sh, one test per case, on the executables built
/// with these tests: shellcheck, the installed tree, idempotence, the declared users and
/// folders, `systemd-analyze verify` and `security` with the exposure limits, uninstall, and a
/// center's client certificate from deploy/center-cert.sh used for mTLS against kiosk-hq.
@Suite("deploy")
struct DeployScriptTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let script = repository.appendingPathComponent("deploy/tests/run.sh")

    /// The folder with the built `kiosk` and `kiosk-hq`: on Linux the test binary's own folder.
    static var products: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    @Test(
        arguments: [
            "shellcheck", "install", "idempotent", "users", "verify", "security", "uninstall", "retarget", "hq",
            "config", "client-cert",
        ])
    func deployCheck(_ name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script.path, name, Self.products.path]
        process.currentDirectoryURL = Self.repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Printed first, so a CI log that shows only part of the report still has the reason.
        print(text, terminator: "")
        #expect(process.terminationStatus == 0, "deploy/tests/run.sh \(name):\n\(text)")
    }
}
