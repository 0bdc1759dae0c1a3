import Foundation

/// A folder under the system temporary directory, removed when the value is released.
package final class TemporaryFolder: Sendable {
    package let url: URL

    /// - Parameter prefix: names the folder after the suite that made it, to find leftovers.
    package init(prefix: String = "kiosk-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    package func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// The URL of `name` inside the folder.
    package func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
