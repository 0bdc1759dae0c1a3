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

    /// Writes `text` to `name` under the folder, its parent folders created; returns its URL.
    @discardableResult
    package func file(_ name: String, _ text: String) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: target, atomically: true, encoding: .utf8)
        return target
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
