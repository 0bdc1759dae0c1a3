import Foundation
import Hummingbird
import KioskReceipt
import KioskUpload
import Testing

/// A hostile server's refusal text reaches the operator's terminal (`kiosk upload`) and the
/// stored last error (`kiosk status`): its ESC, BEL and C1 bytes must arrive inert (issue 18).
@Suite("refusal text from headquarters is escaped")
struct HostileServerTextTests {
    let world: UploadWorld

    init() throws {
        world = try UploadWorld()
    }

    /// A title change, a bell, a C1 CSI clearing the screen and a bidi override.
    static let hostileMessage = "no\u{1B}]0;owned\u{07} \u{9B}2J \u{202E}desserp"

    static func hasControlBytes(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" }
    }

    @Test(arguments: [409, 503])
    func theServersMessageIsShownAndStoredWithoutControlBytes(_ status: Int) async throws {
        // Given a stand-in headquarters whose refusal message holds terminal controls
        try world.storeApproved(1)
        let report = try await withServer(
            faultServer(world) { request, _ in
                for try await _ in request.body {}
                let problem = IntakeProblem(error: "conflict", message: Self.hostileMessage)
                return Response(
                    status: .init(code: status), headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: problem.wireBody())))
            }
        ) { port in
            var settings = try world.settings(port: port)
            settings.attempts = 1
            return await world.uploader(settings).run()
        }

        // Then the failure names the message, escaped, and so does the stored last error
        let failure = try #require(report.failure)
        #expect(failure.status == status)
        #expect(failure.message.contains(#"no\u001b]0;owned\u0007 \u009b2J \u202edesserp"#))
        #expect(!Self.hasControlBytes(failure.message))
        let stored = try #require(try world.database.delivery.summary().lastError)
        #expect(!Self.hasControlBytes(stored))
    }
}
