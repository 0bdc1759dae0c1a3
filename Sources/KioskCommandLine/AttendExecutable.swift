import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `kiosk attend` runs in `kiosk-attend`, a program of its own beside `kiosk`: the same
/// `AttendCommand`, without what only the other commands need (the outbox and its sealing with
/// swift-crypto and BoringSSL, the uploader with NIO and AsyncHTTPClient). A smaller program
/// starts sooner and touches fewer pages of itself, which is most of a walk-in's memory. The
/// operator still types `kiosk attend`; `kiosk` replaces itself with `kiosk-attend` when it is
/// there, and runs the form itself when it is not (a `swift run kiosk` that built only `kiosk`).
package enum AttendExecutable {
    package static let name = "kiosk-attend"

    /// `kiosk-attend` in the running program's folder, if it is there and executable.
    package static func besideThisProgram() -> String? {
        guard let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        let path = URL(fileURLWithPath: running).deletingLastPathComponent().appendingPathComponent(name).path
        return access(path, X_OK) == 0 ? path : nil
    }

    /// Replaces this process with `path` and `arguments` (the options after `attend`), in the
    /// same environment and on the same terminal. Returns only when the exec failed.
    package static func exec(_ path: String, arguments: [String]) {
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, argv)
        for pointer in argv { free(pointer) }
    }
}
