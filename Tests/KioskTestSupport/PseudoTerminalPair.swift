import Foundation
import Glibc

/// A pty opened with openpty(), so tests can check real tty behaviour (modes, line
/// discipline, flushing) without spawning a process. The slave plays the kiosk's console;
/// the master plays the person typing.
package final class PseudoTerminalPair {
    package let master: Int32
    package let slave: Int32

    package init() throws {
        (master, slave) = try Self.openDescriptors()
    }

    /// A new pty's master and slave descriptors, close-on-exec at once so that children
    /// spawned by other tests do not keep the terminal open.
    package static func openDescriptors() throws -> (master: Int32, slave: Int32) {
        var master: Int32 = -1
        var slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else {
            throw HarnessError.systemCall("openpty", code: errno)
        }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        return (master, slave)
    }

    deinit {
        close(slave)
        close(master)
    }

    /// Types bytes as if on the keyboard.
    package func type(_ text: String) {
        Self.writeAll(Array(text.utf8), to: master)
    }

    package func type(_ bytes: [UInt8]) {
        Self.writeAll(bytes, to: master)
    }

    package func slaveModes() throws -> termios {
        var modes = termios()
        guard tcgetattr(slave, &modes) == 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        return modes
    }

    /// Waits until the slave has a complete line to read (canonical mode), so a test can act
    /// on input known to be in the driver's queue instead of sleeping and hoping.
    package func waitUntilSlaveReadable(timeout: Duration = .seconds(10)) -> Bool {
        var descriptor = pollfd(fd: slave, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000)
        return poll(&descriptor, 1, milliseconds) == 1
    }

    /// Reads what the kiosk side wrote (and the driver echoed) until `predicate` holds for
    /// all of it or `timeout` passes; returns everything read.
    package func readMaster(until predicate: ([UInt8]) -> Bool, timeout: Duration = .seconds(10)) -> [UInt8] {
        var collected: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !predicate(collected), ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count > 0 {
                collected.append(contentsOf: buffer[0..<count])
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                break
            }
        }
        return collected
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    package static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if errno != EINTR && errno != EAGAIN {
                return
            }
        }
    }
}
