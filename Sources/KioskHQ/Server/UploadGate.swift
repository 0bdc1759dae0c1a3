import Synchronization

/// Admits uploads within `UploadLimits`: how many at once, per center and in all, and how many
/// bytes their files in `incoming/` take together. Over a limit the answer is 503 with
/// `Retry-After`, which the kiosk treats as "try again later".
final class UploadGate: Sendable {
    private struct State {
        var perCenter: [String: Int] = [:]
        var total = 0
        var bytes = 0
    }

    let limits: UploadLimits
    private let state = Mutex(State())

    init(limits: UploadLimits) {
        self.limits = limits
    }

    /// Uploads received now, and the bytes they reserve in `incoming/`.
    var inProgress: (uploads: Int, bytes: Int) {
        state.withLock { ($0.total, $0.bytes) }
    }

    /// A pass for one upload of `center`, reserving `declaredBytes` of `incoming/` (the
    /// `Content-Length`, when given); refused when a limit is reached.
    func admit(center: String, declaredBytes: Int) throws(IntakeError) -> UploadPass {
        let refusal: String? = state.withLock { state in
            if state.total >= limits.total {
                return "headquarters is receiving \(state.total) uploads, its limit; try again later"
            }
            if state.perCenter[center, default: 0] >= limits.perCenter {
                return "\(center) already has \(limits.perCenter) uploads in progress; try again later"
            }
            if state.bytes + declaredBytes > limits.incomingBytes { return Self.incomingFull }
            state.total += 1
            state.perCenter[center, default: 0] += 1
            state.bytes += declaredBytes
            return nil
        }
        if let refusal { throw IntakeError(.busy, refusal) }
        return UploadPass(gate: self, center: center, reserved: declaredBytes)
    }

    static let incomingFull = "uploads in progress fill the space headquarters keeps for them; try again later"

    /// Reserves `extra` more bytes of `incoming/`; false when that would go over the limit.
    fileprivate func reserve(_ extra: Int) -> Bool {
        state.withLock { state in
            guard state.bytes + extra <= limits.incomingBytes else { return false }
            state.bytes += extra
            return true
        }
    }

    fileprivate func release(center: String, bytes: Int) {
        state.withLock { state in
            state.total -= 1
            state.bytes -= bytes
            let left = state.perCenter[center, default: 1] - 1
            state.perCenter[center] = left > 0 ? left : nil
        }
    }
}

/// One admitted upload's place at headquarters; `release()` (or dropping it) gives it back.
final class UploadPass: Sendable {
    private let gate: UploadGate
    private let center: String
    /// Bytes reserved in `incoming/`, and whether the pass was given back.
    private let held: Mutex<(bytes: Int, released: Bool)>

    fileprivate init(gate: UploadGate, center: String, reserved: Int) {
        self.gate = gate
        self.center = center
        held = Mutex((reserved, false))
    }

    deinit { release() }

    /// Makes sure `total` bytes of `incoming/` are reserved for this upload.
    func cover(_ total: Int) throws(IntakeError) {
        let covered = held.withLock { held in
            guard total > held.bytes else { return true }
            guard gate.reserve(total - held.bytes) else { return false }
            held.bytes = total
            return true
        }
        guard covered else { throw IntakeError(.busy, UploadGate.incomingFull) }
    }

    /// Gives the place and the reserved bytes back; once.
    func release() {
        let bytes: Int? = held.withLock { held in
            guard !held.released else { return nil }
            held.released = true
            return held.bytes
        }
        if let bytes { gate.release(center: center, bytes: bytes) }
    }
}
