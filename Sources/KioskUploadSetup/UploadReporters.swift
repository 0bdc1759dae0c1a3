import Foundation
import KioskUpload
import Synchronization

/// Under systemd or in a log: one line per batch on standard output, one line per failure on
/// standard error.
package struct LineUploadReporter: UploadReporter {
    package init() {}

    package func created(sequence: Int, applications: Int) {
        print("sealed batch \(sequence): \(UploadText.applications(applications))")
    }

    package func sending(sequence: Int, bytes: Int, index: Int, total: Int, attempt: Int) {}

    package func progress(sequence: Int, sent: Int, bytes: Int) {}

    package func delivered(_ delivery: Delivery) {
        print(UploadText.delivered(delivery))
    }

    package func failed(sequence: Int?, failure: UploadFailure, retryIn: Duration?) {
        UploadText.standardError(UploadText.failed(sequence: sequence, failure: failure, retryIn: retryIn))
    }
}

/// On a terminal: a progress line (batches and bytes sent, rate) redrawn in place.
package final class TerminalUploadReporter: UploadReporter {
    package init() {}

    private struct State {
        var index = 0
        var total = 0
        var lastDraw = ContinuousClock.now
        var started = ContinuousClock.now
    }

    private let state = Mutex(State())

    package func created(sequence: Int, applications: Int) {
        print("sealed batch \(sequence): \(UploadText.applications(applications))")
    }

    package func sending(sequence: Int, bytes: Int, index: Int, total: Int, attempt: Int) {
        state.withLock {
            $0.index = index
            $0.total = total
            $0.started = .now
        }
        progress(sequence: sequence, sent: 0, bytes: bytes)
    }

    package func progress(sequence: Int, sent: Int, bytes: Int) {
        let line: String? = state.withLock { state in
            let now = ContinuousClock.now
            guard sent == 0 || sent == bytes || now - state.lastDraw >= .milliseconds(100) else { return nil }
            state.lastDraw = now
            let elapsed = UploadText.seconds(now - state.started)
            let rate = elapsed > 0 ? Double(sent) / elapsed : 0
            return "batch \(state.index)/\(state.total) (sequence \(sequence)): \(UploadText.megabytes(sent)) of "
                + "\(UploadText.megabytes(bytes)) MB, \(UploadText.megabytes(Int(rate))) MB/s"
        }
        if let line { draw(line) }
    }

    package func delivered(_ delivery: Delivery) {
        draw("")
        print(UploadText.delivered(delivery))
    }

    package func failed(sequence: Int?, failure: UploadFailure, retryIn: Duration?) {
        draw("")
        UploadText.standardError(UploadText.failed(sequence: sequence, failure: failure, retryIn: retryIn))
    }

    private func draw(_ line: String) {
        FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
    }
}

/// The words both reporters use.
enum UploadText {
    static func delivered(_ delivery: Delivery) -> String {
        let rate = delivery.seconds > 0 ? Double(delivery.bytes) / delivery.seconds : 0
        return "delivered batch \(delivery.sequence): \(applications(delivery.applications)), "
            + "\(megabytes(delivery.bytes)) MB sent in \(String(format: "%.2f", delivery.seconds)) s (\(megabytes(Int(rate))) MB/s), "
            + "stored in \(String(format: "%.2f", delivery.storeSeconds)) s, "
            + (delivery.alreadyReceived ? "headquarters already had it, " : "")
            + "receipt signed \(delivery.receivedAt)"
    }

    static func failed(sequence: Int?, failure: UploadFailure, retryIn: Duration?) -> String {
        let retry = retryIn.map { "; retrying in \(String(format: "%.1f", seconds($0))) s" } ?? ""
        return "upload failed (\(failure.kind.rawValue)): \(failure.message)\(retry)"
    }

    static func applications(_ count: Int) -> String {
        count == 1 ? "1 application" : "\(count) applications"
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
