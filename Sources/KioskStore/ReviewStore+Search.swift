import Foundation
import GRDB
import KioskCore

// MARK: - Search

extension ReviewStore {
    /// What staff search by, already normalised by the caller.
    package struct SearchQuery: Sendable {
        /// The case- and accent-folded start of a surname (`ReviewStore.searchKey`).
        package var surnamePrefix: String
        /// The start of a reference, upper-cased.
        package var referencePrefix: String
        /// A serial number (the six digits of a reference), when the text is one.
        package var serial: Int?
        /// A national number (RNOKPP or Lithuanian personal code), when the text is all digits.
        package var nationalNumber: String?

        package init(surnamePrefix: String, referencePrefix: String, serial: Int?, nationalNumber: String?) {
            self.surnamePrefix = surnamePrefix
            self.referencePrefix = referencePrefix
            self.serial = serial
            self.nationalNumber = nationalNumber
        }
    }

    /// Case-, accent- and width-insensitive form of a name, so `шевченко` finds `Шевченко`;
    /// stored as `application.surname_key` and compared by prefix.
    package static func searchKey(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// The applications matching `query` by surname prefix, reference prefix, serial or national
    /// number, newest first, at most `limit` of them, and how many match in all.
    ///
    /// Every part is an index lookup (`v8-search-keys`), so a search costs the same on 200,000
    /// applications as on 2,000. Surname keys are folded in Swift (SQLite folds ASCII only), so
    /// rows written without one (by a script, or whose answers were edited) get theirs first.
    package func search(_ query: SearchQuery, limit: Int) throws -> (rows: [ReviewSearchRow], total: Int) {
        if try writer.read(Self.lacksSearchKeys) {
            try writer.writeRetryingWhenBusy { db in try Self.fillSearchKeys(db) }
        }
        return try writer.read { db in
            let matching = Self.matchingSQL
            let arguments: StatementArguments = [
                "surname": query.surnamePrefix, "surnameEnd": query.surnamePrefix + "\u{10FFFF}",
                "reference": query.referencePrefix, "referenceEnd": query.referencePrefix + "\u{10FFFF}",
                "serial": query.serial, "number": query.nationalNumber, "limit": limit,
            ]
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(matching))", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT reference, state, submitted_at, purged_at,
                        json_extract(answers, '$.surname') AS surname,
                        json_extract(answers, '$.given_name') AS given_name,
                        \(AppDatabase.nationalNumber("")) AS national_number
                    FROM application WHERE id IN (\(matching))
                    ORDER BY submitted_at DESC, id DESC LIMIT :limit
                    """, arguments: arguments)
            return (
                rows.map { row in
                    ReviewSearchRow(item: Self.listItem(row), nationalNumber: row["national_number"])
                }, total
            )
        }
    }

    /// The ids of the applications a search matches, each part an index range or lookup.
    static let matchingSQL = """
        SELECT id FROM application WHERE surname_key >= :surname AND surname_key < :surnameEnd
        UNION SELECT id FROM application WHERE reference >= :reference AND reference < :referenceEnd
        UNION SELECT id FROM application WHERE serial = :serial
        UNION SELECT id FROM application WHERE \(AppDatabase.nationalNumber("")) = :number AND purged_at IS NULL
        """

    /// Whether some application holding answers has no surname key yet (an index lookup).
    static func lacksSearchKeys(_ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM application WHERE surname_key IS NULL AND answers IS NOT NULL)")
            ?? false
    }

    /// Folds the surname of every application holding answers but no surname key yet;
    /// "" for one without a surname, so it is not looked at again.
    static func fillSearchKeys(_ db: Database) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, json_extract(answers, '$.surname') AS surname FROM application
                WHERE surname_key IS NULL AND answers IS NOT NULL
                """)
        let update = try db.makeStatement(sql: "UPDATE application SET surname_key = ? WHERE id = ?")
        for row in rows {
            let surname: String? = row["surname"]
            try update.execute(arguments: [surname.map(searchKey) ?? "", row["id"] as Int64])
        }
    }
}
