import Foundation
import KioskSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of the last full integrity check of a database file, kept beside it
/// (`kiosk.sqlite-integrity.json`) so that `kiosk status` reports it without scanning the file.
///
/// It names the file by device and inode: a database restored from a backup or created anew
/// is another file, and a record of the old one says nothing about it.
package struct IntegrityRecord: Codable, Sendable, Equatable {
    package let checkedAt: String
    /// How long the check took.
    package let seconds: Double
    /// `ok`, or the first problems SQLite named (page numbers, never row contents).
    package let result: String
    /// The database's size in pages when checked.
    package let pages: Int?
    /// `device:inode` of the file checked.
    package let fileID: String?

    enum CodingKeys: String, CodingKey {
        case seconds, result, pages
        case checkedAt = "checked_at"
        case fileID = "file_id"
    }

    package init(checkedAt: Date, seconds: Double, result: String, pages: Int?, fileID: String?) {
        self.checkedAt = RFC3339.format(checkedAt)
        self.seconds = seconds
        self.result = result
        self.pages = pages
        self.fileID = fileID
    }

    /// Where the record of the database at `path` is kept.
    package static func path(for database: String) -> String { database + "-integrity.json" }

    /// `device:inode` of `path`, or nil when it cannot be read.
    package static func fileID(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino)"
    }

    /// The record of the last full check of the database at `path`, if it was of this very file.
    package static func last(for database: String) -> IntegrityRecord? {
        guard let data = FileManager.default.contents(atPath: path(for: database)),
            let record = try? JSONDecoder().decode(IntegrityRecord.self, from: data),
            record.fileID != nil, record.fileID == fileID(of: database)
        else { return nil }
        return record
    }

    /// Whether the check found the file sound.
    package var passed: Bool { result == "ok" }

    /// Replaces the record beside `database` (written to a temporary name, then renamed).
    /// A record that cannot be written is left out: status then says no check is recorded.
    func write(for database: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return }
        let url = URL(fileURLWithPath: Self.path(for: database))
        try? data.write(to: url, options: .atomic)
    }
}
