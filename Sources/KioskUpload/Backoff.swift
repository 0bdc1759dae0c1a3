/// Exponential backoff with full jitter: attempt n waits a random time up to
/// `initial × 2^(n-1)`, capped at `maximum`, so many kiosks coming back online at once
/// do not all knock at the same moment.
struct Backoff: Sendable {
    let initial: Duration
    let maximum: Duration

    /// The wait after failed attempt `attempt` (1-based).
    func delay(after attempt: Int, random: Double = Double.random(in: 0.5...1)) -> Duration {
        let factor = Double(1 << min(max(attempt - 1, 0), 20))
        let ceiling = min(seconds(initial) * factor, seconds(maximum))
        return .milliseconds(Int64((ceiling * random * 1000).rounded()))
    }

    private func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }
}
