import KioskStore

/// Walks the audit log and says which rows were edited, deleted or reordered.
///
/// Each row's hash covers its content and the previous row's hash. So an edited row no
/// longer matches its own hash; a deleted row leaves a gap in the ids and a link to a hash
/// no row has; a moved row links to a row other than the one before it. Rows deleted from
/// the end show as ids handed out (`sqlite_sequence`) but missing. A log rewritten from
/// some row onwards with freshly computed hashes is only caught against a head hash noted
/// earlier (`head`), which is why `kiosk audit verify` prints it.
package struct AuditVerifier {
    let hasher: AuditHasher

    package init(hasher: AuditHasher = .sha256) {
        self.hasher = hasher
    }

    package struct Report: Sendable, Equatable {
        package var count = 0
        package var lastID: Int64?
        /// The newest row's hash: write it down (or send it away) to detect a rewrite later.
        package var head: String?
        package var problems: [Problem] = []

        package var isIntact: Bool { problems.isEmpty }
    }

    package enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The row's content does not match its hash.
        case edited(id: Int64)
        /// Rows with these ids were handed out but are gone.
        case deleted(ids: ClosedRange<Int64>)
        /// The row links to the row `linksTo`, not to the row before it.
        case outOfOrder(id: Int64, linksTo: Int64)
        /// The row links to a hash no row has, without a gap in the ids: the row before it was
        /// replaced or re-hashed, or rows were deleted and the ids renumbered.
        case brokenLink(id: Int64, previousID: Int64?)
        /// No row has the head hash noted earlier: the log was rewritten or cut since.
        case headMissing(String)

        package var description: String {
            switch self {
            case .edited(let id):
                "entry \(id) was edited: its content does not match its hash"
            case .deleted(let ids):
                ids.count == 1
                    ? "entry \(ids.lowerBound) was deleted"
                    : "entries \(ids.lowerBound) to \(ids.upperBound) were deleted"
            case .outOfOrder(let id, let linksTo):
                "entry \(id) is out of order: it was written right after entry \(linksTo)"
            case .brokenLink(let id, let previousID):
                if let previousID {
                    "entry \(id) does not follow entry \(previousID): entry \(previousID) was replaced or re-hashed, or entries between them were deleted"
                } else {
                    "entry \(id) is the first entry but links to an earlier one: the entries before it were deleted"
                }
            case .headMissing(let head):
                "no entry has the hash \(head) noted earlier: the log was rewritten or cut since"
            }
        }
    }

    /// Checks the whole log; with `expectedHead`, also that the row with that hash (the head
    /// noted at an earlier check) is still there.
    package func verify(_ database: AppDatabase, expectedHead: String? = nil) throws -> Report {
        var report = Report()
        var previous: AuditEntry?
        // Hash → id, to tell a moved row from a deleted one once every row was seen.
        var idByHash: [String: Int64] = [:]
        var suspects: [(entry: AuditEntry, previousID: Int64?, linkHolds: Bool)] = []
        try database.audit.forEachEntry { entry in
            report.count += 1
            idByHash[entry.sha256] = entry.id
            if hasher.sha256Hex(entry.canonicalBytes) != entry.sha256 {
                report.problems.append(.edited(id: entry.id))
            }
            let linkHolds = entry.previousSHA256 == (previous?.sha256 ?? AuditEntry.genesis)
            if !linkHolds || entry.id != (previous?.id ?? 0) + 1 {
                suspects.append((entry, previous?.id, linkHolds))
            }
            previous = entry
        }
        for suspect in suspects {
            let id = suspect.entry.id
            let expectedID = (suspect.previousID ?? 0) + 1
            if !suspect.linkHolds, let target = idByHash[suspect.entry.previousSHA256], target != suspect.previousID {
                report.problems.append(.outOfOrder(id: id, linksTo: target))
            } else if id > expectedID {
                report.problems.append(.deleted(ids: expectedID...(id - 1)))
            } else {
                report.problems.append(.brokenLink(id: id, previousID: suspect.previousID))
            }
        }
        let sequence = try database.audit.sequence()
        let lastID = previous?.id ?? 0
        if sequence > lastID {
            report.problems.append(.deleted(ids: (lastID + 1)...sequence))
        }
        report.problems.sort { $0.entryID < $1.entryID }
        if let expectedHead, idByHash[expectedHead.lowercased()] == nil {
            report.problems.append(.headMissing(expectedHead))
        }
        report.lastID = previous?.id
        report.head = previous?.sha256
        return report
    }
}

extension AuditVerifier.Problem {
    /// The first entry the problem is about, to print problems in log order.
    var entryID: Int64 {
        switch self {
        case .edited(let id), .outOfOrder(let id, _), .brokenLink(let id, _): id
        case .deleted(let ids): ids.lowerBound
        case .headMissing: .max
        }
    }
}
