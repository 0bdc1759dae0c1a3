import KioskHQ
import Testing

/// Plain HTTP carries personal data unprotected, so the server may only offer it on an
/// address that is certainly this machine.
@Suite("plain HTTP on loopback only")
struct PlainHTTPTests {
    @Test(
        "a name that only starts like a loopback address is refused without TLS",
        arguments: ["127.example.com", "127.0.0.1.example", "localhost.evil", "0.0.0.0", "127.1"])
    func refused(_ host: String) {
        let error = #expect(throws: HQError.self) {
            _ = try HQServer.serverBuilder(.init(host: host, port: 0, tls: nil))
        }
        #expect(
            error?.description
                == "plain HTTP is only served on a loopback address; give --tls-cert and --tls-key to listen on \(host)"
        )
    }

    @Test(
        "loopback literals and localhost may serve plain HTTP",
        arguments: ["127.0.0.1", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "localhost"])
    func allowed(_ host: String) throws {
        _ = try HQServer.serverBuilder(.init(host: host, port: 0, tls: nil))
    }
}
