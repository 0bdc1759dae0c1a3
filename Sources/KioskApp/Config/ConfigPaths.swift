import Foundation

/// The one place where a relative path written in the configuration becomes absolute.
///
/// Relative paths (`kiosk_dir`, `hq_ca`, `hq_receipt_key`, `hq_client_cert`, `hq_client_key`)
/// are relative to the folder of the configuration file, not the data folder or the working
/// directory: an operator who writes `"hq_ca": "hq-ca.pem"` in `/etc/kiosk/config.json` means
/// `/etc/kiosk/hq-ca.pem`, whichever command reads it and from wherever it is started. Every
/// command that opens a file the configuration names goes through this, so `kiosk config
/// check` checks exactly the files `kiosk upload` will use.
package struct ConfigPaths: Sendable, Equatable {
    /// The folder holding the configuration file.
    package let base: URL

    /// - Parameter configFile: the configuration file, absolute.
    package init(configFile: URL) {
        base = configFile.deletingLastPathComponent()
    }

    /// `value` made absolute against the configuration file's folder; an absolute value stays as it is.
    package func url(_ value: String) -> URL {
        URL(fileURLWithPath: value, relativeTo: base).standardizedFileURL
    }

    /// The absolute path of `url(value)`.
    package func path(_ value: String) -> String {
        url(value).path
    }
}
