import Foundation
import KioskCrypto
import Testing

@testable import KioskBatch

/// What held up when issue 18's attacker tried it, kept so it keeps holding: entry names that
/// climb out or are absolute, hard links and devices, a member twice.
@Suite("Archives an attacker tried (issue 18)")
struct HeldUpArchiveTests {
    let workspace: Workspace
    let batch: SampleBatch

    init() throws {
        workspace = try Workspace()
        batch = try SampleBatch(key: try Ed25519PrivateKey.generate(), count: 2)
    }

    func outcome(_ bytes: [UInt8]) throws -> BatchError? {
        let name = "\(UUID().uuidString).tar"
        try workspace.write(name, bytes)
        do {
            _ = try BatchReader.read(path: workspace.path(name))
            return nil
        } catch {
            return error
        }
    }

    /// The batch with its first entry's name replaced.
    func archive(manifestName: String) throws -> [UInt8] {
        try SampleBatch.archive(entries: [
            (manifestName, batch.manifestBytes), (BatchEntry.records, batch.recordsBytes),
            (BatchEntry.signature, batch.signature),
        ])
    }

    @Test(
        "names that climb out of the folder or are absolute are refused",
        arguments: ["../manifest.json", "/manifest.json", "./manifest.json", "a/../manifest.json", "/etc/passwd"])
    func traversal(_ name: String) throws {
        let error = try #require(try outcome(try archive(manifestName: name)))
        #expect(error.code == .malformedArchive)
        #expect(error.message.contains("expected \"manifest.json\""))
    }

    @Test(
        "hard links, character and block devices, FIFOs and contiguous files are refused",
        arguments: ["1", "3", "4", "6", "7"])
    func notRegular(_ typeflag: String) throws {
        let entry = try TarBytes.entry(BatchEntry.manifest, batch.manifestBytes) {
            $0[TarHeader.Field.typeflag] = UInt8(ascii: Unicode.Scalar(typeflag)!)
        }
        let rest = Array(try batch.archive()[(512 + TarBytes.padded(batch.manifestBytes).count)...])
        let error = try #require(try outcome(entry + rest))
        #expect(error.code == .malformedArchive)
        #expect(error.message.contains("expected a regular file"))
    }

    @Test("a member that appears twice is refused")
    func duplicate() throws {
        let twice = try SampleBatch.archive(entries: [
            (BatchEntry.manifest, batch.manifestBytes), (BatchEntry.manifest, batch.manifestBytes),
            (BatchEntry.records, batch.recordsBytes), (BatchEntry.signature, batch.signature),
        ])
        let error = try #require(try outcome(twice))
        #expect(error == BatchError(.malformedArchive, #"entry 2 is "manifest.json", expected "records.jsonl""#))
    }
}
