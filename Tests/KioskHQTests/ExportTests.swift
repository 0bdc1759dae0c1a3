import Foundation
import KioskCrypto
import KioskHQ
import KioskTestSupport
import Testing

/// `kiosk-hq export` on batches accepted through the real routes, written to real files.
@Suite("HQ export")
struct ExportTests {
    let hq: HQFixture
    let otherKey: Ed25519PrivateKey

    /// DEMO01 sends Taras twice and Lesya once; CENB sends Taras again, and Ivan.
    init() async throws {
        hq = try HQFixture()
        otherKey = try Ed25519PrivateKey.generate()
        _ = try hq.database.addCenter(code: "CENB", key: otherKey.publicKey, at: Date())
        let demo = try TestBatch(
            key: hq.centerKey, sequence: 1, previous: nil,
            answers: [
                #"{"surname":"Шевченко","rnokpp":"3652504575","phone":"+380671234567","unit":"u1"}"#,
                #"{"surname":"Шевченко","rnokpp":"3652504575","phone":"+380671234567","unit":"u2"}"#,
                #"{"surname":"Косач, \"Леся\"","rnokpp":"3652504581","unit":"u1","driving_licence":["B","C"]}"#,
            ])
        let other = try TestBatch(
            key: otherKey, center: "CENB", sequence: 1, previous: nil,
            answers: [
                #"{"surname":"Шевченко","rnokpp":"3652504575","unit":"u1"}"#,
                #"{"surname":"=HYPERLINK(\"x\")","personal_code":"39001010000","unit":"u1"}"#,
            ])
        let demoBytes = try demo.archive()
        let otherBytes = try other.archive()
        let statuses = try await hq.withRoutes { client in
            [
                try await HQFixture.put(client, demoBytes, sequence: 1).status,
                try await HQFixture.put(client, otherBytes, center: "CENB", sequence: 1).status,
            ]
        }
        try #require(statuses == [201, 201])
    }

    func export(
        _ selection: HQExport.Selection = .init(), _ format: HQExport.Format
    ) async throws -> (String, HQExport.Summary) {
        var text = ""
        let summary = try await HQExport(folder: hq.folder, database: hq.database, openingKeys: [TestBatch.openingKey])
            .run(
                selection, format: format
            ) {
                text += $0
            }
        return (text, summary)
    }

    func lines(_ selection: HQExport.Selection = .init()) async throws -> [[String: Any]] {
        try await export(selection, .jsonl).0.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func theSamePersonIsFlaggedAcrossCentersAndOnlyThen() async throws {
        let records = try await lines()
        #expect(records.count == 5)
        func flags(_ center: String, _ surname: String) -> [(Int, Bool)] {
            records.filter {
                $0["center"] as? String == center && ($0["answers"] as? [String: Any])?["surname"] as? String == surname
            }.map { ($0["same_number_count"] as? Int ?? -1, $0["same_number_other_center"] as? Bool ?? false) }
        }
        // Taras: twice at DEMO01 and once at CENB
        #expect(flags("DEMO01", "Шевченко").map(\.0) == [2, 2])
        #expect(flags("DEMO01", "Шевченко").allSatisfy { $0.1 })
        #expect(flags("CENB", "Шевченко").map(\.0) == [2] && flags("CENB", "Шевченко")[0].1)
        // Lesya and the Lithuanian applicant: nobody else
        #expect(flags("DEMO01", "Косач, \"Леся\"").map(\.0) == [0])
        #expect(records.allSatisfy { $0["batch"] as? Int == 1 && $0["received_at"] is String })
        // And each record says which unit catalog the applicant was offered (0: the kiosk's own units.json)
        #expect(records.allSatisfy { $0["catalog_version"] as? Int == 0 })
    }

    @Test func theSelectionByCenterUnitAndDayStillCountsEveryStoredBatch() async throws {
        let (_, summary) = try await export(.init(center: "CENB"), .jsonl)
        #expect(summary == HQExport.Summary(applications: 2, batches: 1, sameNumber: 1, sameNumberOtherCenter: 1))
        let units = try await lines(.init(unit: "u2"))
        #expect(units.count == 1 && units[0]["same_number_count"] as? Int == 2)
        #expect(try await lines(.init(since: "2999-01-01")).isEmpty)
        #expect(try await lines(.init(since: "2000-01-01")).count == 5)
    }

    @Test func csvOpensInASpreadsheetWithEveryRowWholeAndNoFormula() async throws {
        let (text, _) = try await export(.init(), .csv)
        #expect(text.hasPrefix("\u{FEFF}center,batch,received_at,reference,"))
        let folder = try TemporaryFolder(prefix: "hq-export")
        let file = folder.path("export.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))

        // Python's csv module reads it as a spreadsheet would: six rows of the header's width
        let script = """
            import csv, sys, json
            rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
            print(json.dumps(rows, ensure_ascii=False))
            """
        let out = try ProcessRunner.check("python3", ["-c", script, file])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String]])
        #expect(rows.count == 6 && rows.allSatisfy { $0.count == rows[0].count })
        let header = rows[0]
        let surname = try #require(header.firstIndex(of: "surname"))
        let phone = try #require(header.firstIndex(of: "phone"))
        let same = try #require(header.firstIndex(of: "same_number_count"))
        #expect(header.contains("catalog_version"))
        #expect(rows.contains { $0[surname] == "Косач, \"Леся\"" })
        // A cell a spreadsheet would run is shown as text
        #expect(rows.contains { $0[surname] == "'=HYPERLINK(\"x\")" })
        #expect(rows.contains { $0[phone] == "'+380671234567" })
        #expect(rows.dropFirst().map { $0[same] }.sorted() == ["0", "0", "2", "2", "2"])
    }

    @Test func aStoredBatchChangedOnDiskIsRefusedBeforeAnythingIsWritten() async throws {
        // Given one stored batch whose sealed records were altered after intake (one bit)
        let file = try #require(
            FileManager.default.enumerator(atPath: hq.folder.batchesURL.path)?.allObjects.compactMap { $0 as? String }
                .first { $0.hasPrefix("CENB/") && $0.hasSuffix(".tar") })
        let url = hq.folder.batchesURL.appendingPathComponent(file)
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[try Self.recordsOffset(in: bytes) + 40] ^= 0x01
        try Data(bytes).write(to: url)

        // Then the export stops with the file's name and writes nothing
        var written = ""
        await #expect {
            try await HQExport(folder: hq.folder, database: hq.database, openingKeys: [TestBatch.openingKey]).run(
                .init(), format: .jsonl
            ) { written += $0 }
        } throws: { error in
            "\(error)".contains(file) && "\(error)".contains("no longer holds the records accepted")
        }
        #expect(written.isEmpty)
    }

    /// Where the records entry's bytes start in a batch tar: after the manifest's header and
    /// padded data, and the records' header.
    static func recordsOffset(in tar: [UInt8]) throws -> Int {
        let sizeField = String(decoding: tar[124..<135], as: UTF8.self)
        let manifestSize = try #require(Int(sizeField, radix: 8))
        return 512 + (manifestSize + 511) / 512 * 512 + 512
    }
}
