import Foundation

#if canImport(Glibc)
import Glibc
import KioskTestSupport
#endif

/// A stand-in for headquarters on plain HTTP at 127.0.0.1 (the kiosk allows http to loopback)
/// that answers every request with one fixed body: a replayed, tampered or foreign catalog.
///
/// Plain sockets and one thread, outside Swift concurrency, like `UploadFaultProxy`.
final class FakeCatalogServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let response: [UInt8]
    private let lock = NSLock()
    private var stopped = false

    init(status: Int = 200, body: [UInt8]) throws {
        let head =
            "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Not Found")\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        response = Array(head.utf8) + body
        (listener, port) = try LoopbackSocket.listen()
        Thread { [self] in serve() }.start()
    }

    deinit {
        stop()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            // Read the request head (a GET has no body), then answer and close.
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.ends(with: Array("\r\n\r\n".utf8)) && request.count < 65_536 {
                let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                request += buffer[0..<count]
            }
            var offset = 0
            while offset < response.count {
                let written = response[offset...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break }
                offset += written
            }
            shutdown(client, Int32(SHUT_RDWR))
            close(client)
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
