import Foundation
import GRDB
import KioskSQLite

/// Staff accounts: each change written with its audit entries in one transaction.
package struct StaffStore: Sendable {
    let writer: any DatabaseWriter
}

// MARK: - Reads

extension StaffStore {
    package func account(id: String) throws -> StaffAccount? {
        try writer.read { db in try StaffAccount.fetchOne(db, key: id) }
    }

    /// Every account, by ID.
    package func accounts() throws -> [StaffAccount] {
        try writer.read { db in try StaffAccount.order(StaffAccount.Columns.id).fetchAll(db) }
    }
}

// MARK: - Writes

extension StaffStore {
    /// Adds an account with its audit entry; false (and nothing written) when the ID is taken.
    package func add(_ account: StaffAccount, audit: AuditRecord, hasher: AuditHasher) throws -> Bool {
        try writer.writeRetryingWhenBusy { db in
            guard try !StaffAccount.exists(db, key: account.id) else { return false }
            try account.insert(db)
            try AuditStore.append(audit, at: account.createdAt, hasher: hasher, in: db)
            return true
        }
    }

    /// Changes an account and appends its audit entries in one transaction; nil when there
    /// is no such account.
    @discardableResult
    package func update(
        id: String, at date: Date, audit: [AuditRecord], hasher: AuditHasher,
        _ change: (inout StaffAccount) -> Void
    ) throws -> StaffAccount? {
        try writer.writeRetryingWhenBusy { db in
            guard var account = try StaffAccount.fetchOne(db, key: id) else { return nil }
            change(&account)
            try account.update(db)
            for record in audit {
                try AuditStore.append(record, at: date, hasher: hasher, in: db)
            }
            return account
        }
    }

    /// Counts a failed login on an existing account, with its audit entry, in one transaction.
    /// Returns the account as it is now.
    package func recordFailedLogin(id: String, at date: Date, hasher: AuditHasher) throws -> StaffAccount? {
        try writer.writeRetryingWhenBusy { db in
            guard var account = try StaffAccount.fetchOne(db, key: id) else { return nil }
            account.failedLogins += 1
            account.lastFailedAt = date
            try AuditStore.append(
                AuditRecord(staffID: id, action: .loginFailed, detail: "failure \(account.failedLogins)"), at: date,
                hasher: hasher, in: db)
            try account.update(db)
            return account
        }
    }
}
