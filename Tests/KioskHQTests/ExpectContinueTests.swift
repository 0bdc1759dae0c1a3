import Foundation
import Hummingbird
import HummingbirdTesting
import KioskReceipt
import Testing

@testable import KioskHQ

/// `Expect: 100-continue` (curl sends it for `-T`): "100 Continue" once the cheap checks pass,
/// before any byte of the body, and the final refusal at once when they fail, the body unsent.
/// Live, over loopback, with a client that waits as curl does.
@Suite("kiosk-hq Expect: 100-continue")
struct ExpectContinueTests {
    let hq: HQFixture

    init() throws {
        hq = try HQFixture()
    }

    static let expect = "Expect: 100-continue\r\n"

    /// Runs the blocking socket conversation on a thread of its own, off the cooperative pool
    /// that the server under test runs on.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    @Test func aBatchThatPassesTheCheapChecksGets100ContinueBeforeItsBodyThen201() async throws {
        let bytes = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive()
        let (interim, final) = try await hq.server.application().test(.live) { client in
            let port = try #require(client.port)
            return try await Self.offPool {
                let connection = try RawConnection(port: port)
                connection.sendHead(sequence: 1, length: bytes.count, headers: Self.expect)
                let interim = connection.receive(until: "\r\n\r\n")
                connection.send(bytes)
                return (interim, connection.receive(until: "}\n"))
            }
        }
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(final.hasPrefix("HTTP/1.1 201 Created\r\n"))
        let body = try #require(final.components(separatedBy: "\r\n\r\n").last)
        #expect(try SignedReceipt(wireBody: Array(body.utf8)).verified(with: hq.receiptKey.publicKey).sequence == 1)
        #expect(try hq.trace().batches == 1)
    }

    @Test(
        "a refusal the headers already show comes at once, without 100 Continue, and closes the connection",
        arguments: [
            ("DEMO01", 3, 4_600, "409 "), ("NOPE01", 1, 4_600, "403 "),
            ("DEMO01", 1, 2 << 20, "413 "),
        ])
    func aRefusalTheHeadersShowComesAtOnce(center: String, sequence: Int, length: Int, status: String) async throws {
        let (answer, closed) = try await hq.server.application().test(.live) { client in
            let port = try #require(client.port)
            return try await Self.offPool {
                let connection = try RawConnection(port: port)
                connection.sendHead(center: center, sequence: sequence, length: length, headers: Self.expect)
                let answer = connection.receive(until: "}\n")
                // The close follows the answer; on a loaded machine not within one 50 ms read.
                var closed = connection.isClosedByServer
                for _ in 0..<100 where !closed { closed = connection.isClosedByServer }
                return (answer, closed)
            }
        }
        #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(answer.prefix(80))")
        #expect(!answer.contains("100 Continue"))
        #expect(answer.lowercased().contains("connection: close"))
        #expect(closed)
        let trace = try hq.trace()
        #expect(trace.batches == 0 && trace.incoming.isEmpty)
    }

    @Test func aResendOfAnAcceptedBatchStillGets100ContinueAndItsReceipt() async throws {
        let bytes = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive()
        let answers = try await hq.server.application().test(.live) { client in
            let port = try #require(client.port)
            return try await Self.offPool {
                try (0..<2).map { _ in
                    let connection = try RawConnection(port: port)
                    connection.sendHead(sequence: 1, length: bytes.count, headers: Self.expect)
                    let interim = connection.receive(until: "\r\n\r\n")
                    connection.send(bytes)
                    return (interim, connection.receive(until: "}\n"))
                }
            }
        }
        #expect(answers.map(\.0) == ["HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n"])
        #expect(answers[0].1.hasPrefix("HTTP/1.1 201 "))
        #expect(answers[1].1.hasPrefix("HTTP/1.1 200 "))
    }
}
