import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Log lines for systemd's journal: a `<N>` priority prefix that journald turns into the
/// entry's priority (so `journalctl -p warning` works), no timestamp (the journal adds
/// one), one line per event written in one call, metadata as sorted `key=value` pairs.
///
/// Used when standard error is the journal (systemd's `JOURNAL_STREAM` names its device
/// and inode) or when `KIOSK_LOG_FORMAT=journal`. Callers never log personal data.
package struct JournalLogHandler: LogHandler {
    package let label: String
    package var logLevel: Logger.Level = .warning
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?

    package init(label: String) {
        self.label = label
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let line = Self.line(level: event.level, label: label, message: "\(event.message)", metadata: all)
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// `<3>kiosk.attend: out of service reason=...` and a newline; line breaks inside are
    /// escaped so one event stays one journal entry.
    package static func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var text = "<\(priority(level))>\(label): \(message)"
        for key in metadata.keys.sorted() {
            text += " \(key)=\(metadata[key].map { "\($0)" } ?? "")"
        }
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n") + "\n"
    }

    /// The syslog priority journald records for a swift-log level.
    package static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Whether log lines should take the journal's format: `KIOSK_LOG_FORMAT` (`journal` or
    /// `plain`) if set, else whether standard error is the stream `JOURNAL_STREAM` names.
    package static func isWanted(_ environment: [String: String]) -> Bool {
        switch environment["KIOSK_LOG_FORMAT"] {
        case "journal": return true
        case "plain": return false
        default: break
        }
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        var status = stat()
        guard parts.count == 2, fstat(STDERR_FILENO, &status) == 0 else { return false }
        return parts[0] == "\(status.st_dev)" && parts[1] == "\(status.st_ino)"
    }
}
