import Foundation

/// How logins and sessions are limited: the delays after failures, the password hash cost,
/// and how long a session may stay idle or open.
///
/// Failed logins slow an account down instead of locking it. A lock after N failures lets
/// anyone at the staff terminal (which shares the applicants' keyboard) shut any staff member
/// out, again and again. Instead, after the n-th failure in a row the account takes no new
/// try for `accountDelay(afterFailures: n)`: nothing for the first 3 (a typo costs only the
/// console's pause), then 8, 16, 32 … seconds, doubling, at most 15 minutes. A guesser gets
/// about ten tries in the first quarter of an hour and then four an hour (some 35,000 a year,
/// against passwords of at least 10 characters), while the real holder waits at
/// most 15 minutes after the last wrong try, however many there were. The count and the time of
/// the last failure are in the database, so restarting the console does not reset them; a try
/// during the wait is refused unchecked (even the right password) and does not lengthen it.
package struct LoginPolicy: Sendable {
    /// The delay after the first failure; each further failure doubles it.
    package var baseDelay: Duration = .seconds(1)
    /// Failures in a row that cost the account no wait (the console still pauses).
    package var failuresWithoutWait = 3
    /// The longest an account waits between tries, in multiples of `baseDelay` (15 minutes).
    package var maximumDelayFactor = 900
    /// log2 of scrypt's N for new password hashes (r = 8, p = 1): 17 in production.
    package var hashCost: UInt8 = 17
    /// A session ends after this long without input.
    package var idleTimeout: Duration = .seconds(5 * 60)
    /// A session ends this long after login, whatever the activity.
    package var sessionLifetime: Duration = .seconds(8 * 3600)

    package init() {}

    /// The console's pause after the `failures`-th consecutive failure at it: 1, 2, 4, 8, 8, …
    /// times the base. Short, so that one person's failures do not hold the terminal.
    package func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        return baseDelay * (1 << (min(failures, 4) - 1))
    }

    /// How long an account takes no new try after its `failures`-th failure in a row: none
    /// up to `failuresWithoutWait`, then the base doubled for each failure after the first
    /// (8 s after the 4th), at most `maximumDelayFactor` times the base.
    package func accountDelay(afterFailures failures: Int) -> Duration {
        guard failures > failuresWithoutWait else { return .zero }
        let factor = failures > 30 ? maximumDelayFactor : min(1 << (failures - 1), maximumDelayFactor)
        return baseDelay * factor
    }
}
