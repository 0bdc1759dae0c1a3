import Foundation
import KioskStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the kiosk may not take new applications now. The descriptions go to the log and to
/// `kiosk status`: they name the problem and what to do, never an applicant's data.
package enum HealthProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Less free space on the data folder's file system than `min_free_disk_mb`.
    case lowDisk(freeMB: Int64, minimumMB: Int64)
    /// The free space could not be read (the folder is missing or unreadable).
    case diskUnreadable(path: String, reason: String)
    /// The database failed its integrity check or cannot be opened (a `StoreError` description).
    case database(String)

    package var description: String {
        switch self {
        case .lowDisk(let free, let minimum):
            "free disk on the data folder is \(free) MB, below min_free_disk_mb (\(minimum) MB): free some space"
        case .diskUnreadable(let path, let reason):
            "cannot read the free space of \(path): \(reason)"
        case .database(let detail):
            detail
        }
    }
}

/// The checks that decide whether the kiosk is in service: free disk on the data folder and
/// the database's integrity (`PRAGMA quick_check`).
package struct HealthCheck: Sendable {
    /// The default of `min_free_disk_mb`: room for the journal, the WAL and a day of applications.
    package static let defaultMinimumFreeMB: Int64 = 200

    package let dataFolder: URL
    package let databasePath: String
    /// 0 turns the disk check off.
    package let minimumFreeMB: Int64

    package init(folder: DataFolder, config: KioskConfig) {
        dataFolder = folder.url
        databasePath = folder.databasePath
        minimumFreeMB = config.minFreeDiskMB.map(Int64.init) ?? Self.defaultMinimumFreeMB
    }

    /// Megabytes (2^20 bytes) an unprivileged process may still write on the file system
    /// holding `path`.
    package static func freeMB(at path: String) -> Result<Int64, HealthProblem> {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else {
            return .failure(.diskUnreadable(path: path, reason: String(cString: strerror(errno))))
        }
        let bytes = UInt64(info.f_bavail) &* UInt64(info.f_frsize)
        return .success(Int64(clamping: bytes >> 20))
    }

    /// The disk problem, if any.
    package func diskProblem() -> HealthProblem? {
        switch Self.freeMB(at: dataFolder.path) {
        case .failure(let problem):
            return problem
        case .success(let free):
            return free < minimumFreeMB ? .lowDisk(freeMB: free, minimumMB: minimumFreeMB) : nil
        }
    }

    /// Opens the database, which first checks an existing file on a connection that cannot write.
    package func openDatabase() -> Result<AppDatabase, HealthProblem> {
        do {
            return .success(try AppDatabase.open(at: databasePath))
        } catch {
            return .failure(.database("\(error)"))
        }
    }

    /// `PRAGMA quick_check` on an open database.
    package static func integrityProblem(_ database: AppDatabase) -> HealthProblem? {
        do {
            let result = try database.applications.quickCheck()
            return result == .ok ? nil : .database(StoreError(.damaged, "quick_check: \(result)").description)
        } catch {
            return .database("the integrity check could not run: \(error)")
        }
    }
}
