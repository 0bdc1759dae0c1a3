import Foundation
import GRDB

extension DatabaseWriter {
    /// A write transaction, tried again when another process kept the database locked past
    /// the busy timeout, so that a busy database does not reach a person as an error.
    package func writeRetryingWhenBusy<T>(attempts: Int = 4, _ updates: (Database) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try write(updates)
            } catch let error as DatabaseError
                where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && attempt < attempts
            {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.1 * Double(attempt))
            }
        }
    }
}
