import Foundation
import KioskBatch
import KioskReceipt
import Testing

@testable import KioskHQ

/// The witness of each center's audit log: every manifest says how long the kiosk's audit log
/// was and its head hash at sealing; headquarters keeps it and refuses (409, an alarm) a later
/// batch whose log is shorter, as long with another head, or unsaid.
@Suite("kiosk-hq audit witness")
struct AuditWitnessTests {
    let hq: HQFixture

    init() throws {
        hq = try HQFixture()
    }

    static let headA = String(repeating: "a1", count: 32)
    static let headB = String(repeating: "b2", count: 32)

    /// Batch 1 with the log at 5 entries, head A, accepted; then `second` as batch 2.
    func afterFirst(_ second: AuditWitness?) async throws -> (status: Int, body: [UInt8]) {
        let one = try TestBatch(
            key: hq.centerKey, sequence: 1, previous: nil, audit: AuditWitness(length: 5, head: Self.headA))
        let two = try TestBatch(key: hq.centerKey, sequence: 2, previous: one, audit: second)
        let (bytesOne, bytesTwo) = (try one.archive(), try two.archive())
        return try await hq.withRoutes { client in
            #expect(try await HQFixture.put(client, bytesOne, sequence: 1).status == 201)
            return try await HQFixture.put(client, bytesTwo, sequence: 2)
        }
    }

    @Test func aLongerLogIsAcceptedAndKeptAsTheWitness() async throws {
        let answer = try await afterFirst(AuditWitness(length: 9, head: Self.headB))
        #expect(answer.status == 201)
        #expect(try hq.database.lastBatch(center: "DEMO01")?.audit == AuditWitness(length: 9, head: Self.headB))
        #expect(
            try hq.database.batch(center: "DEMO01", sequence: 1)?.audit == AuditWitness(length: 5, head: Self.headA))
    }

    @Test(
        "a log cut, rewritten at the same length, or no longer shown is 409 audit-rewound and an alarm",
        arguments: [
            AuditWitness(length: 3, head: headB), AuditWitness(length: 5, head: headB), nil,
        ])
    func aRewrittenLogIsRefused(second: AuditWitness?) async throws {
        let answer = try await afterFirst(second)
        #expect(answer.status == 409)
        let problem = try #require(IntakeProblem(wireBody: answer.body))
        #expect(problem.error == "audit-rewound")
        #expect(problem.message.contains("batch 1 showed 5 entries, head \(Self.headA)"))
        #expect(hq.logs.messages.contains { $0.level == .critical && $0.message.hasPrefix("ALARM: DEMO01 batch 2") })
        #expect(try hq.trace().batches == 1)
    }

    @Test func theSameLogAgainIsAcceptedAsNothingWasAppended() async throws {
        #expect(try await afterFirst(AuditWitness(length: 5, head: Self.headA)).status == 201)
    }
}
