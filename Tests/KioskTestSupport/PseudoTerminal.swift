import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an executable on a real pseudo-terminal, like a person at the kiosk's console, so
/// end-to-end tests cover what only a tty has: canonical line editing, echo, Ctrl-C and
/// Ctrl-D handling by the driver, window size, screen clearing.
///
/// The child is a session leader whose controlling terminal is the pty, with every signal
/// at its default disposition and none blocked, whatever the test process ignores. Typed
/// input is echoed by the driver, so `output` holds both the echo and the program's output,
/// and "\n" written by the program arrives as "\r\n" (ONLCR). In canonical mode the driver
/// keeps at most 4095 bytes of one line; longer typed lines are cut by the driver, not the
/// program. Not thread-safe: one test drives it.
package final class PseudoTerminal {
    /// The child's process id.
    package let processIdentifier: pid_t
    private let master: Int32
    private let collector: OutputCollector
    private var exitStatus: Int32?

    /// Opens a pty of the given size and spawns `executable` with `arguments` on it.
    /// - Parameter environment: the child's whole environment (nothing is inherited).
    package init(
        executable: URL,
        arguments: [String],
        environment: [String: String],
        columns: Int = 80,
        rows: Int = 24
    ) throws {
        let (master, slave) = try PseudoTerminalPair.openDescriptors()
        do {
            var size = winsize(
                ws_row: UInt16(clamping: rows), ws_col: UInt16(clamping: columns), ws_xpixel: 0, ws_ypixel: 0)
            guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
                throw HarnessError.systemCall("ioctl(TIOCSWINSZ)", code: errno)
            }
            let slavePath = try Self.path(ofTerminal: slave)
            processIdentifier = try Self.spawn(
                executable: executable.path, arguments: arguments, environment: environment,
                terminalPath: slavePath, master: master)
        } catch {
            close(slave)
            close(master)
            throw error
        }
        // posix_spawn returns after the child opened the slave; the parent's copy would
        // only keep the master from seeing EIO when the child is gone.
        close(slave)
        self.master = master
        self.collector = OutputCollector(descriptor: master)
    }

    deinit {
        if reapIfExited() == nil {
            // Not reaped yet, so the pid and its process group are still ours to kill.
            _ = Glibc.kill(-processIdentifier, SIGKILL)
            _ = Glibc.kill(processIdentifier, SIGKILL)
            _ = reapIfExited(blocking: true)
        }
        close(master)
    }

    /// Everything read from the terminal so far (echo included), decoded leniently.
    package var output: String {
        collector.text
    }

    /// Whether the child has not exited yet (reaps it when it has).
    package var isRunning: Bool {
        reapIfExited() == nil
    }

    /// Types `text` (UTF-8) on the keyboard.
    package func send(_ text: String) {
        sendBytes(Array(text.utf8))
    }

    /// Types `text` and presses Enter, which sends "\r" (the driver's ICRNL makes it "\n").
    package func sendLine(_ text: String) {
        send(text + "\r")
    }

    /// Types raw bytes, for control keys and invalid input. Failures are not thrown: the
    /// next `expect` reports them with the output so far.
    package func sendBytes(_ bytes: [UInt8]) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && clock.now < deadline {
                // The input queue is full: read output meanwhile so the child is never
                // blocked writing while we wait for it to read.
                OutputCollector.pump([collector], waitingUpTo: .milliseconds(10))
            } else {
                return
            }
        }
    }

    /// Types the end-of-file character (VEOF, normally Ctrl-D). It means end of input only
    /// at the start of a line; after other text it just ends that read without a newline.
    package func sendEOF() {
        var modes = termios()
        var character: UInt8 = 0x04
        if tcgetattr(master, &modes) == 0 {
            character = withUnsafeBytes(of: &modes.c_cc) { $0[Int(VEOF)] }
        }
        sendBytes([character])
    }

    /// Reads output until `needle` appears after the current position; returns the text
    /// from that position through the needle and moves the position past it.
    /// - Throws: `HarnessError` with the output's tail on timeout, or if the child exits first.
    @discardableResult
    package func expect(_ needle: String, timeout: Duration = .seconds(10)) throws -> String {
        try collector.expect(needle, timeout: timeout) { reapIfExited() }
    }

    /// Waits for the child to exit while reading its output; returns its exit status, or
    /// 128 + the signal number when a signal ended it (as a shell reports it).
    /// - Throws: `HarnessError.stillRunning` when `timeout` passes first.
    package func waitForExit(timeout: Duration = .seconds(10)) throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let status = reapIfExited() {
                OutputCollector.drain([collector])
                return status
            }
            let remaining = deadline - clock.now
            if remaining <= .zero {
                throw HarnessError.stillRunning(after: timeout, outputTail: HarnessError.tail(of: output))
            }
            OutputCollector.pump([collector], waitingUpTo: min(remaining, .milliseconds(50)))
        }
    }

    /// Sends `signal` to the child (only; not its process group), if it is still running.
    package func kill(signal: Int32) {
        if reapIfExited() == nil {
            _ = Glibc.kill(processIdentifier, signal)
        }
    }

    // MARK: - Process bookkeeping

    /// The child's decoded status once it has exited (reaping it), else nil.
    private func reapIfExited(blocking: Bool = false) -> Int32? {
        if let exitStatus {
            return exitStatus
        }
        var status: Int32 = 0
        while true {
            let result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
            if result == processIdentifier {
                let signalNumber = status & 0x7F
                exitStatus = signalNumber == 0 ? (status >> 8) & 0xFF : 128 + signalNumber
                return exitStatus
            }
            if result == 0 {
                return nil
            }
            if errno == EINTR {
                continue
            }
            exitStatus = -1  // ECHILD: reaped elsewhere, status unknown
            return exitStatus
        }
    }

    private static func path(ofTerminal descriptor: Int32) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        let result = ttyname_r(descriptor, &buffer, buffer.count)
        guard result == 0 else {
            throw HarnessError.systemCall("ttyname_r", code: result)
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// glibc's POSIX_SPAWN_SETSID, which Swift does not import without _GNU_SOURCE.
    private static let spawnSetSID: Int32 = 0x80

    /// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), looked up at run time for
    /// the same reason.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    private static func addCloseFrom() -> AddCloseFrom? {
        guard let program = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(program) }
        guard let symbol = dlsym(program, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }

    /// Spawns the child as a session leader whose fds 0, 1 and 2 are the pty slave.
    private static func spawn(
        executable: String,
        arguments: [String],
        environment: [String: String],
        terminalPath: String,
        master: Int32
    ) throws -> pid_t {
        func check(_ result: Int32, _ name: String) throws {
            if result != 0 {
                throw HarnessError.systemCall(name, code: result)
            }
        }

        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            try check(posix_spawn_file_actions_addclose(&actions, descriptor), "addclose")
        }
        // Without O_NOCTTY, and after setsid (glibc runs it before the file actions), this
        // open makes the pty the child's controlling terminal.
        try check(posix_spawn_file_actions_addopen(&actions, 0, terminalPath, O_RDWR, 0), "addopen")
        try check(posix_spawn_file_actions_adddup2(&actions, 0, 1), "adddup2")
        try check(posix_spawn_file_actions_adddup2(&actions, 0, 2), "adddup2")
        if let closeFrom = addCloseFrom() {
            // Other tests' pipes must not leak into the child and hold off their end of file.
            try check(closeFrom(&actions, 3), "addclosefrom_np")
        } else {
            try check(posix_spawn_file_actions_addclose(&actions, master), "addclose")
        }

        var attributes = posix_spawnattr_t()
        try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
        defer { posix_spawnattr_destroy(&attributes) }
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "setsigdefault")
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        try check(posix_spawnattr_setsigmask(&attributes, &noSignals), "setsigmask")
        let flags = spawnSetSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "setflags")

        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        try check(posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp), "posix_spawn \(executable)")
        return pid
    }
}
