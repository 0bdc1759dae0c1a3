import Foundation

#if canImport(Glibc)
import Glibc
import KioskTestSupport
#endif

/// A TCP relay on 127.0.0.1 between `kiosk upload` and `kiosk-hq` that can misbehave the way
/// networks do: cut the connection after some bytes of the upload, or keep headquarters'
/// answer from reaching the kiosk. TLS passes through untouched (it is end to end).
///
/// Plain sockets and one thread per direction: it runs outside Swift concurrency, so a
/// blocked relay can never starve the tests. Stopped (all sockets closed) on `stop()` or deinit.
final class UploadFaultProxy: @unchecked Sendable {
    enum Mode: Sendable {
        /// Relay both ways.
        case forward
        /// Relay both ways until the kiosk has sent `bytes` (the TLS handshake is through, the
        /// batch is on its way), then relay only the upload: headquarters' answer never arrives.
        case holdAnswersAfterUpload(bytes: Int)
        /// Relay the first `bytes` of the upload, then close both sides.
        case cutUploadAfter(bytes: Int)
    }

    let port: Int
    private let mode: Mode
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var sockets: [Int32] = []
    private var stopped = false
    /// Bytes relayed from the kiosk to headquarters, over all connections.
    private(set) var uploaded = 0

    init(to upstreamPort: Int, mode: Mode) throws {
        self.upstreamPort = upstreamPort
        self.mode = mode
        (listener, port) = try LoopbackSocket.listen()
        Thread { [self] in acceptLoop() }.start()
    }

    deinit {
        stop()
    }

    /// Closes the listener and every relayed connection.
    func stop() {
        lock.lock()
        let open = stopped ? [] : sockets + [listener]
        stopped = true
        sockets = []
        lock.unlock()
        for fd in open {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    var bytesUploaded: Int {
        lock.lock()
        defer { lock.unlock() }
        return uploaded
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = LoopbackSocket.address(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard register([client, upstream]), connected == 0 else {
                close(client)
                close(upstream)
                continue
            }
            Thread { [self] in relay(from: client, to: upstream, upload: true) }.start()
            Thread { [self] in relay(from: upstream, to: client, upload: false) }.start()
        }
    }

    private func register(_ fds: [Int32]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return false }
        sockets += fds
        return true
    }

    private func relay(from source: Int32, to destination: Int32, upload: Bool) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            var count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if upload, case .cutUploadAfter(let limit) = mode {
                lock.lock()
                let allowed = max(0, min(count, limit - uploaded))
                lock.unlock()
                if allowed < count {
                    _ = buffer.withUnsafeBytes { write(destination, $0.baseAddress, allowed) }
                    addUploaded(allowed)
                    shutdown(source, Int32(SHUT_RDWR))
                    shutdown(destination, Int32(SHUT_RDWR))
                    return
                }
            }
            if !upload, case .holdAnswersAfterUpload(let threshold) = mode, bytesUploaded > threshold { continue }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
            if upload { addUploaded(count) }
            count = 0
        }
        shutdown(destination, Int32(SHUT_WR))
    }

    private func addUploaded(_ count: Int) {
        lock.lock()
        uploaded += count
        lock.unlock()
    }
}
