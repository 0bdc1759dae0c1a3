import KioskSQLite

/// Why the database cannot be used; messages say what to do and never hold personal data.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The integrity check failed or the file is not a database: it is never written to.
        case damaged
        /// The file cannot be opened or created (permissions, missing folder, full disk).
        case unavailable
        /// A reference number could not be allocated (the year's sequence is full).
        case sequenceExhausted
        /// A stored row holds a value of the wrong kind (the database was edited by hand);
        /// `detail` names the row's reference and the column, never the value.
        case malformedRow
        /// An application is approved, but the audit chain does not show that approval (the
        /// state or the history was changed outside the console); it is not sealed.
        case approvalNotAudited
        /// Headquarters' sealing key is not the one the batches were sealed to so far, and no
        /// operator confirmed the change.
        case sealingKeyChanged
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .damaged:
            "the database is damaged (\(detail)); it was not written to. Restore it from a backup or move it aside and ask support"
        case .unavailable:
            "the database cannot be opened (\(detail))"
        case .sequenceExhausted:
            "no reference number is left for this year (\(detail))"
        case .approvalNotAudited:
            "\(detail); nothing was sealed. Run `kiosk audit verify`, and have staff review it again in `kiosk review`"
        case .sealingKeyChanged:
            "\(detail); nothing was sealed"
        case .malformedRow:
            "\(detail); the row was changed outside the kiosk. Nothing was changed; ask support to repair that row"
        }
    }
}

extension StoreError {
    /// The kiosk's words for a database file that cannot be opened.
    init(_ error: SQLiteOpenError) {
        self.init(error.code == .damaged ? .damaged : .unavailable, error.detail)
    }
}
