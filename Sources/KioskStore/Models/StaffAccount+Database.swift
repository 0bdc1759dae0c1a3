import GRDB

extension StaffRole: DatabaseValueConvertible {}

extension StaffAccount: FetchableRecord, PersistableRecord {
    package static let databaseTableName = "staff"

    /// Columns for requests.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let role = Column(CodingKeys.role)
        package static let disabledAt = Column(CodingKeys.disabledAt)
    }
}
