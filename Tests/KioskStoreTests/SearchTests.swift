import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("Review search by index")
struct SearchTests {
    let folder: TemporaryFolder
    let database: AppDatabase

    init() throws {
        folder = try TemporaryFolder()
        database = try AppDatabase.open(at: folder.path("kiosk.sqlite"))
    }

    func submit(surname: String, rnokpp: String) throws -> StoredApplication {
        let draft = ApplicationDraft(
            formID: "ua-contract", formVersion: 1, language: .en, consentVersion: "2026-11-uk-1",
            answers: ["surname": .single(surname), "rnokpp": .single(rnokpp)])
        return try database.applications.submit(draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
    }

    func search(_ text: String) throws -> (references: [String], total: Int) {
        let isNumber = text.allSatisfy { $0.isASCII && $0.isNumber }
        let (rows, total) = try database.review.search(
            ReviewStore.SearchQuery(
                surnamePrefix: ReviewStore.searchKey(text), referencePrefix: text.uppercased(),
                serial: isNumber && text.count == 6 ? Int(text) : nil, nationalNumber: isNumber ? text : nil),
            limit: 50)
        return (rows.map(\.item.reference), total)
    }

    @Test func findsBySurnamePrefixInAnyCaseReferenceSerialAndNationalNumber() throws {
        // Given three applications
        let shevchenko = try submit(surname: "Шевченко", rnokpp: "3652504575")
        let franko = try submit(surname: "Franko", rnokpp: "3652504581")
        _ = try submit(surname: "Frankó", rnokpp: "3652504599")

        // Then each way of searching finds what it should
        #expect(try search("шевч").references == [shevchenko.reference])
        #expect(try search("fran").total == 2)
        #expect(try search("3652504581").references == [franko.reference])
        #expect(try search(String(franko.reference.prefix(15))).total == 3)
        #expect(try search(String(franko.reference.dropFirst(12).prefix(6))).references == [franko.reference])
        #expect(try search("nobody").total == 0)
    }

    @Test func keysFollowEditsScriptsAndPurges() throws {
        // Given an application found by its surname
        let stored = try submit(surname: "Шевченко", rnokpp: "3652504575")
        #expect(try search("шев").total == 1)

        // When its answers are edited behind the console's back, and another row is written by a script
        try database.writer.write { db in
            try db.execute(
                sql: "UPDATE application SET answers = json_set(answers, '$.surname', 'Franko') WHERE reference = ?",
                arguments: [stored.reference])
            try db.execute(
                sql: """
                    INSERT INTO application (reference, center, year, serial, form_id, form_version, form_sha256,
                        consent_version, language, answers, submitted_at, updated_at)
                    VALUES ('DEMO01-2026-000009-X', 'DEMO01', 2026, 9, 'ua-contract', 1, 'x', 'c', 'en',
                        '{"surname":"Frankivna"}', '2026-11-27 10:00:00.000', '2026-11-27 10:00:00.000')
                    """)
        }

        // Then both are found by their new surnames
        #expect(try search("шев").total == 0)
        #expect(try search("FRANK").total == 2)

        // And once the personal data is purged, no folded surname is left
        try database.writer.write { db in
            _ = try AppDatabase.forgetPersonalData(db, of: "1 = 1", [], at: Date())
        }
        #expect(try search("frank").total == 0)
        let keys = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application WHERE surname_key IS NOT NULL")
        }
        #expect(keys == 0)
    }

    @Test func everyPartOfTheSearchIsAnIndexLookup() throws {
        _ = try submit(surname: "Шевченко", rnokpp: "3652504575")
        let plan = try database.writer.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN \(ReviewStore.matchingSQL)",
                arguments: [
                    "surname": "ш", "surnameEnd": "ш\u{10FFFF}", "reference": "D", "referenceEnd": "D\u{10FFFF}",
                    "serial": 1, "number": "3652504575",
                ]
            ).map { $0["detail"] as String }
        }
        #expect(plan.filter { $0.hasPrefix("SCAN application") }.isEmpty, "\(plan)")
        #expect(plan.filter { $0.hasPrefix("SEARCH application USING") }.count == 4, "\(plan)")
    }
}
