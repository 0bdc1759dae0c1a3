import Foundation
import Testing

@Suite("kiosk-hq serve (built executable)")
struct HQServeCommandTests {
    @Test("plain HTTP on a name that merely starts with 127. is refused, naming the fix")
    func plainHTTPOnANameIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-hq-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let dataDir = root.appendingPathComponent("hq-data").path
        #expect(try HQTestServer.run(["keys", "init", "--data-dir", dataDir]).status == 0)

        let run = try HQTestServer.run(["serve", "--listen", "127.example.com:0", "--data-dir", dataDir])

        #expect(run.status != 0)
        #expect(run.output.isEmpty, "it must not print a listening address")
        #expect(
            run.error.contains(
                "plain HTTP is only served on a loopback address; give --tls-cert and --tls-key to listen on 127.example.com"
            ))
    }
}
