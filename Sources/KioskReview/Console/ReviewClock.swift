import Foundation

/// Where the console reads the time, so tests can move it on instead of waiting.
package protocol ReviewClock {
    var now: Date { get }
}

/// The system clock.
package struct SystemClock: ReviewClock {
    package init() {}

    package var now: Date { Date() }
}
