import Logging

/// Logs go to standard error; the level comes from KIOSK_LOG_LEVEL (default `warning`, so a
/// console kiosk's screen is not disturbed). Under systemd the lines take the journal's
/// format (JournalLogHandler). Log lines never carry personal data.
package enum KioskLogging {
    package static func bootstrap(_ environment: [String: String]) {
        let level = environment["KIOSK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let journal = JournalLogHandler.isWanted(environment)
        LoggingSystem.bootstrap { label -> any LogHandler in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
