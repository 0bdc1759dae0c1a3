import GRDB

/// Why a database file cannot be used; the detail names the file's problem, never its data.
package struct SQLiteOpenError: Error, Equatable, Sendable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        /// The integrity check failed, the journal is lost, or the file is not a database: it is never written to.
        case damaged
        /// The file cannot be opened or created (permissions, missing folder, full disk, busy).
        case unavailable
    }

    package let code: Code
    package let detail: String

    package init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// SQLite's own verdict: corrupt and not-a-database are damage, everything else is unavailability.
    package init(_ error: DatabaseError) {
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(.damaged, error.message ?? "\(error.resultCode)")
        default:
            self.init(.unavailable, error.message ?? "\(error.resultCode)")
        }
    }

    package var description: String { detail }
}
