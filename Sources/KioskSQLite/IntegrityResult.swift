import GRDB

/// What SQLite's structural check said of a database: fine, or the first problems it named.
package enum IntegrityResult: Sendable, Equatable, CustomStringConvertible {
    case ok
    /// The first few lines of the check's report (page and index numbers, never row contents).
    case problems([String])

    /// `quick_check` skips index contents and is faster; `full` is `integrity_check`.
    package enum Depth: Sendable {
        case quick, full
    }

    /// Runs the check on `db`.
    package static func check(_ db: Database, _ depth: Depth) throws -> IntegrityResult {
        let pragma = depth == .full ? "integrity_check" : "quick_check"
        let lines = try String.fetchAll(db, sql: "PRAGMA \(pragma)")
        return lines == ["ok"] ? .ok : .problems(Array(lines.prefix(3)))
    }

    package var description: String {
        switch self {
        case .ok: "ok"
        case .problems(let lines): lines.joined(separator: "; ")
        }
    }
}
