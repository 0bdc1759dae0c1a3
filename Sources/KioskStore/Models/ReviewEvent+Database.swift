import GRDB

extension ReviewAction: DatabaseValueConvertible {}

extension ReviewEvent: FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "review_event"

    /// Columns for requests.
    package enum Columns {
        package static let applicationID = Column(CodingKeys.applicationID)
        package static let at = Column(CodingKeys.at)
        package static let action = Column(CodingKeys.action)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
