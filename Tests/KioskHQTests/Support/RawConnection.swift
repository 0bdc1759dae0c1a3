import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to 127.0.0.1 that sends what a hostile client sends (a request head
/// and then a body byte by byte, or nothing more) and tells when the server closed it.
final class RawConnection {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        // Reads wait at most 50 ms, so that `isClosedByServer` polls.
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The head of a PUT of batch `sequence` of `center` declaring `length` body bytes.
    /// `headers` are more header lines, each ending in CRLF.
    @discardableResult
    func sendHead(center: String = "DEMO01", sequence: Int = 1, length: Int, headers: String = "") -> Bool {
        send(
            Array(
                ("PUT /v1/centers/\(center)/batches/\(sequence) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-tar\r\nContent-Length: \(length)\r\n\(headers)\r\n").utf8))
    }

    /// What the server sent until `needle` appeared, or all it sent within `seconds`.
    func receive(until needle: String, within seconds: Double = 10) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !String(decoding: received, as: UTF8.self).contains(needle) {
            let got = recv(fd, &buffer, buffer.count, 0)
            if got > 0 {
                received += buffer[0..<got]
            } else if got == 0 {
                break
            }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Sends `bytes`; false once the connection is gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Whether the server has closed the connection (reads up to what it sent until then).
    var isClosedByServer: Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = recv(fd, &buffer, buffer.count, 0)
            if got > 0 { continue }
            if got == 0 { return true }
            return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
        }
    }

    /// Closes the connection from this side, as a client that gives up does.
    func abandon() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}
