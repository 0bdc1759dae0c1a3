import Foundation

/// What `kiosk upload`'s command line sets over the configuration. Paths given here are
/// relative to the working directory, as any command-line path is.
package struct UploadOverrides: Sendable {
    package var hqURL: String?
    package var hqCA: String?
    package var hqReceiptKey: String?
    /// `--hq-seal-key`: headquarters' sealing key (PEM), overriding hq_sealing_key.
    package var hqSealingKey: String?
    /// `--accept-sealing-key`: the fingerprint of a new sealing key an operator confirms.
    package var acceptSealingKey: String?
    package var batchLimit = 500
    package var attempts = 5
    package var connectTimeout: Duration = .seconds(10)
    package var readTimeout: Duration = .seconds(60)
    package var initialBackoff: Duration = .seconds(2)
    package var runTimeLimit: Duration = .seconds(600)

    package init(hqURL: String? = nil, hqCA: String? = nil, hqReceiptKey: String? = nil) {
        self.hqURL = hqURL
        self.hqCA = hqCA
        self.hqReceiptKey = hqReceiptKey
    }

    /// A command-line path made absolute against the working directory.
    static func argument(_ value: String) -> String {
        URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }
}
