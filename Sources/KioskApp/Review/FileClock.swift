import Foundation
import KioskReview

/// A clock that reads the time from a file holding Unix seconds, for the end-to-end tests of
/// the console's idle timeout (`kiosk review --clock-file`, in debug builds only): the test
/// moves time on by rewriting the file, so nothing depends on how fast the machine is.
package struct FileClock: ReviewClock {
    let url: URL

    package init(url: URL) {
        self.url = url
    }

    package var now: Date {
        guard let text = try? String(contentsOf: url, encoding: .utf8),
            let seconds = TimeInterval(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            fatalError("--clock-file \(url.path) does not hold Unix seconds")
        }
        return Date(timeIntervalSince1970: seconds)
    }
}
