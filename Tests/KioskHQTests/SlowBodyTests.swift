import Foundation
import Hummingbird
import HummingbirdTesting
import KioskReceipt
import Testing

@testable import KioskHQ

/// Slow and many bodies (issue 18): a connection trickling bytes is cut off at its deadline,
/// uploads at once are bounded per center, in all and in the disk they take, and a refused or
/// abandoned upload leaves nothing in `incoming/`. Live, over loopback.
@Suite("kiosk-hq slow and concurrent bodies")
struct SlowBodyTests {
    let hq: HQFixture

    init() throws {
        hq = try HQFixture()
    }

    func server(_ change: (inout UploadLimits) -> Void) -> HQServer {
        var limits = UploadLimits()
        change(&limits)
        return HQServer(
            intake: hq.intake, settings: .init(host: "127.0.0.1", port: 0, tls: nil, uploads: limits),
            logger: hq.logs.logger)
    }

    /// Waits (at most 30 s, polling) until `condition` holds; whether it did.
    func eventually(_ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<600 {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    @Test func aBodyStillTricklingInAtItsDeadlineIsCutOffAndItsFileRemoved() async throws {
        // Given headquarters with a 1-second body deadline
        let server = server { $0.bodySeconds = 1 }
        let closed = try await server.application().test(.live) { client in
            // When a client declares 100000 bytes and sends one byte every 50 ms
            let connection = try RawConnection(port: try #require(client.port))
            connection.sendHead(length: 100_000)
            for _ in 0..<400 {
                guard connection.send([0]), !connection.isClosedByServer else { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        // Then the server closed the connection (well before the 20 s the client kept trying),
        // and no file of it is left
        #expect(closed)
        #expect(try await eventually { try hq.trace().incoming.isEmpty })
        #expect(server.gate.inProgress == (0, 0))
    }

    @Test func aThirdUploadOfOneCenterAtOnceIs503WithRetryAfterAndAbandonedOnesLeaveNothing() async throws {
        // Given headquarters taking 2 uploads per center at once
        let server = server { $0.perCenter = 2 }
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive()
        try await server.application().test(.live) { client in
            // When two connections start a body and hold it
            let held = try (0..<2).map { _ in try RawConnection(port: try #require(client.port)) }
            for connection in held {
                connection.sendHead(length: 10_000)
                connection.send(Array(repeating: 0, count: 1000))
            }
            #expect(try await eventually { server.gate.inProgress.uploads == 2 })
            // Then a third upload of the same center is refused for now, saying when to retry
            let third = try await client.execute(
                uri: IntakeProtocol.batchPath(center: "DEMO01", sequence: 1), method: .put,
                headers: [.contentType: "application/x-tar"], body: ByteBuffer(bytes: batch)
            ) { ($0.status.code, $0.headers[.retryAfter], IntakeProblem(wireBody: Array($0.body.readableBytesView))) }
            #expect(third.0 == 503)
            #expect(third.1 == "30")
            #expect(third.2?.error == "busy")

            // When the two clients give up mid-body
            for connection in held { connection.abandon() }

            // Then their places and files are given back, and the upload goes through
            #expect(try await eventually { server.gate.inProgress == (0, 0) })
            #expect(try await eventually { try hq.trace().incoming.isEmpty })
            let retried = try await client.execute(
                uri: IntakeProtocol.batchPath(center: "DEMO01", sequence: 1), method: .put,
                headers: [.contentType: "application/x-tar"], body: ByteBuffer(bytes: batch)
            ) { $0.status.code }
            #expect(retried == 201)
        }
    }

    @Test func uploadsInProgressCannotTakeMoreDiskThanTheirBound() async throws {
        // Given headquarters keeping 64 KiB for uploads in progress, and any number at once
        let server = server {
            $0.incomingBytes = 64 << 10
            $0.perCenter = 10
        }
        let batch = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive()
        try await server.application().test(.live) { client in
            // When one upload declaring 62 KiB is in progress
            let held = try RawConnection(port: try #require(client.port))
            held.sendHead(length: 62 << 10)
            held.send(Array(repeating: 0, count: 512))
            #expect(try await eventually { server.gate.inProgress.uploads == 1 })

            // Then a batch that does not fit beside it is refused for now, declared or streamed
            let declared = try await client.execute(
                uri: IntakeProtocol.batchPath(center: "DEMO01", sequence: 1), method: .put,
                headers: [.contentType: "application/x-tar", .contentLength: String(batch.count)],
                body: ByteBuffer(bytes: batch)
            ) { $0.status.code }
            #expect(declared == 503)
            #expect(server.gate.inProgress.bytes <= 64 << 10)

            // And once the held upload is abandoned, the batch goes through
            held.abandon()
            #expect(try await eventually { server.gate.inProgress == (0, 0) })
            let retried = try await client.execute(
                uri: IntakeProtocol.batchPath(center: "DEMO01", sequence: 1), method: .put,
                headers: [.contentType: "application/x-tar"], body: ByteBuffer(bytes: batch)
            ) { $0.status.code }
            #expect(retried == 201)
        }
        #expect(try hq.trace().incoming.isEmpty)
    }
}
