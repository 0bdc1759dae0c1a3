import Foundation

/// The health part of `kiosk status`: whether the attend service takes applications, and
/// the free disk it is judged by. Its JSON keys are a monitoring interface, keep them stable.
package struct HealthStatusReport: Encodable, Sendable {
    /// False when the attend service shows "out of service" instead of the form.
    package let inService: Bool
    /// Free megabytes on the data folder's file system; null when it cannot be read.
    package let freeDiskMB: Int64?
    package let minFreeDiskMB: Int64
    /// Why it is out of service; empty when in service.
    package let problems: [String]

    enum CodingKeys: String, CodingKey {
        case problems
        case inService = "in_service"
        case freeDiskMB = "free_disk_mb"
        case minFreeDiskMB = "min_free_disk_mb"
    }

    /// - Parameter integrity: `"ok"` or why the database failed its check, as status found it.
    package init(check: HealthCheck, integrity: String) {
        var problems: [HealthProblem] = []
        switch HealthCheck.freeMB(at: check.dataFolder.path) {
        case .success(let free):
            freeDiskMB = free
            if free < check.minimumFreeMB { problems.append(.lowDisk(freeMB: free, minimumMB: check.minimumFreeMB)) }
        case .failure(let problem):
            freeDiskMB = nil
            problems.append(problem)
        }
        if integrity != "ok" { problems.append(.database(integrity)) }
        minFreeDiskMB = check.minimumFreeMB
        inService = problems.isEmpty
        self.problems = problems.map(\.description)
    }

    /// Encodes an unreadable free space as null, so monitoring sees every key.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inService, forKey: .inService)
        try container.encode(freeDiskMB, forKey: .freeDiskMB)
        try container.encode(minFreeDiskMB, forKey: .minFreeDiskMB)
        try container.encode(problems, forKey: .problems)
    }

    package var lines: [String] {
        let free = freeDiskMB.map { "\($0) MB" } ?? "unknown"
        return [
            "free disk:   \(free) (out of service below \(minFreeDiskMB) MB)",
            "service:     " + (inService ? "in service" : "OUT OF SERVICE: " + problems.joined(separator: "; ")),
        ]
    }
}
