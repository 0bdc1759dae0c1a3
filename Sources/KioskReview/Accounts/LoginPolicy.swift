import Foundation

/// How logins and sessions are limited: the delay after a failure, the lock, the password
/// hash cost, and how long a session may stay idle or open.
package struct LoginPolicy: Sendable {
    /// The delay after the first failure; each further failure doubles it, up to 8 times this.
    package var baseDelay: Duration = .seconds(1)
    /// Consecutive failures after which an account is locked until a supervisor unlocks it.
    package var lockAfter = 5
    /// log2 of scrypt's N for new password hashes (r = 8, p = 1): 17 in production.
    package var hashCost: UInt8 = 17
    /// A session ends after this long without input.
    package var idleTimeout: Duration = .seconds(5 * 60)
    /// A session ends this long after login, whatever the activity.
    package var sessionLifetime: Duration = .seconds(8 * 3600)

    package init() {}

    /// The delay after the `failures`-th consecutive failure: 1, 2, 4, 8, 8, … times the base.
    package func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        return baseDelay * (1 << (min(failures, 4) - 1))
    }
}
