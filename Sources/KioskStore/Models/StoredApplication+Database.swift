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
