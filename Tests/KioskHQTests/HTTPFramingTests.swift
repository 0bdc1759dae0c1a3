import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import KioskHQ

/// What held up when issue 18's attacker tried it, kept so it keeps holding: a body that stops
/// short of its `Content-Length` stores nothing (a doubled or invalid one is 400: the
/// reliability scenario hostile-hq checks that on the built kiosk-hq). Live, over loopback.
@Suite("kiosk-hq request framing")
struct HTTPFramingTests {
    let hq: HQFixture

    init() throws {
        hq = try HQFixture()
    }

    @Test func aBodyShorterThanItsContentLengthStoresNothing() async throws {
        // Given a client that declares 5000 bytes, sends 600 and closes its side
        try await hq.server.application().test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.sendHead(length: 5000)
            connection.send(Array(repeating: 0, count: 600))
            connection.abandon()
        }
        // Then nothing is stored and no file is left
        let trace = try hq.trace()
        #expect(trace.batches == 0 && trace.records == 0 && trace.incoming.isEmpty)
    }
}
