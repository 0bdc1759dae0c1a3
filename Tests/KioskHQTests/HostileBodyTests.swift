import Foundation
import KioskBatch
import KioskCrypto
import KioskHQ
import KioskReceipt
import Testing

/// Damaged and hostile uploads: each is refused with a 4xx and a reason, never a crash or a
/// 5xx, and none leaves a row, a stored file or a half-received file behind.
@Suite("kiosk-hq hostile bodies")
struct HostileBodyTests {
    /// Variations of a valid archive: truncations, flipped bytes, forged sizes, random noise.
    static func hostileBodies(from valid: [UInt8]) -> [(String, [UInt8])] {
        var bodies: [(String, [UInt8])] = [("empty", []), ("one zero block", [UInt8](repeating: 0, count: 512))]
        for cut in stride(from: 1, to: valid.count, by: 509) {
            bodies.append(("truncated at \(cut)", Array(valid.prefix(cut))))
        }
        for position in [0, 100, 124, 148, 156, 257, 512, 600, 1024, 1100, valid.count - 1100]
        where position < valid.count {
            var flipped = valid
            flipped[position] ^= 0x5A
            bodies.append(("byte \(position) flipped", flipped))
        }
        var hugeSize = valid
        // The size field of the first header, claiming 8 GiB of manifest.
        hugeSize.replaceSubrange(124..<136, with: Array("77777777777\0".utf8))
        bodies.append(("manifest size forged to 8 GiB", hugeSize))
        var generator = SystemRandomNumberGenerator()
        bodies.append(("random noise", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        bodies.append(("valid twice", valid + valid))
        bodies.append(("trailing garbage", valid + Array("garbage".utf8)))
        return bodies
    }

    @Test func everyHostileBodyIsRefusedWithAReasonAndLeavesNoTrace() async throws {
        let hq = try HQFixture()
        let valid = try TestBatch(key: hq.centerKey, sequence: 1, previous: nil).archive()
        let bodies = Self.hostileBodies(from: valid)
        let answers = try await hq.withRoutes { client in
            var answers: [(String, Int, [UInt8])] = []
            for (name, body) in bodies {
                let answer = try await HQFixture.put(client, body, sequence: 1)
                answers.append((name, answer.status, answer.body))
            }
            return answers
        }
        for (name, status, body) in answers {
            #expect((400..<500).contains(status), "\(name): \(status)")
            #expect(IntakeProblem(wireBody: body)?.message.isEmpty == false, "\(name)")
        }
        let trace = try hq.trace()
        #expect(trace.batches == 0)
        #expect(trace.records == 0)
        #expect(trace.incoming.isEmpty)
        #expect(trace.files.isEmpty)
        // And the valid batch is still accepted afterwards: nothing was half-stored
        let status = try await hq.withRoutes { try await HQFixture.put($0, valid, sequence: 1).status }
        #expect(status == 201)
    }
}
