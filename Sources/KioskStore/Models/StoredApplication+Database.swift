import Foundation
import GRDB
import KioskCore

extension ApplicationState: DatabaseValueConvertible {}

extension StoredApplication: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "application"

    /// Columns for requests.
    public enum Columns {
        public static let reference = Column(CodingKeys.reference)
        public static let center = Column(CodingKeys.center)
        public static let year = Column(CodingKeys.year)
        public static let serial = Column(CodingKeys.serial)
        public static let state = Column(CodingKeys.state)
        public static let submittedAt = Column(CodingKeys.submittedAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension StoredApplication {
    /// The first column of `row` whose value cannot be read as the type stored there, to name
    /// in an error (the value itself is personal data and is never shown); nil when all can.
    static func unreadableColumn(in row: Row) -> String? {
        func readable<T: DatabaseValueConvertible>(_ key: CodingKeys, as type: T.Type, optional: Bool = false) -> Bool {
            let value: DatabaseValue = row[key.rawValue]
            return (optional && value.isNull) || T.fromDatabaseValue(value) != nil
        }
        let checks: [(CodingKeys, Bool)] = [
            (.reference, readable(.reference, as: String.self)), (.center, readable(.center, as: String.self)),
            (.year, readable(.year, as: Int.self)), (.serial, readable(.serial, as: Int.self)),
            (.formID, readable(.formID, as: String.self)), (.formVersion, readable(.formVersion, as: Int.self)),
            (.formSHA256, readable(.formSHA256, as: String.self)),
            (.consentVersion, readable(.consentVersion, as: String.self)),
            (.language, readable(.language, as: String.self)), (.state, readable(.state, as: ApplicationState.self)),
            (.answersJSON, readable(.answersJSON, as: String.self, optional: true)),
            (.submittedAt, readable(.submittedAt, as: Date.self)), (.updatedAt, readable(.updatedAt, as: Date.self)),
            (.batchSequence, readable(.batchSequence, as: Int.self, optional: true)),
            (.purgedAt, readable(.purgedAt, as: Date.self, optional: true)),
            (.catalogVersion, readable(.catalogVersion, as: Int.self)),
        ]
        return checks.first { !$0.1 }?.0.rawValue
    }
}
