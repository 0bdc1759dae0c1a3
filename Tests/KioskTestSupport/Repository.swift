import Foundation

/// Folders of this repository the tests read: the operator's real forms, strings and units.
package enum Repository {
    /// The repository's root (this file is Tests/KioskTestSupport/Repository.swift).
    package static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `Kiosk/`: what an operator edits without recompiling.
    package static let kioskFolder = root.appendingPathComponent("Kiosk")
}
