import KioskSupport
import Testing

@Suite("Loopback")
struct LoopbackTests {
    @Test(
        "loopback literals and localhost",
        arguments: [
            "127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "[0:0:0:0:0:0:0:1]",
            "0000::0001", "localhost", "LocalHost", "[localhost]",
        ])
    func loopback(_ host: String) {
        #expect(Loopback.isLoopback(host))
    }

    /// `127.1` is refused on purpose: only the four-part dotted-decimal form is a literal here,
    /// although `inet_aton` (and so a resolver) would read it as 127.0.0.1.
    @Test(
        "names that only look like loopback, short forms and other addresses",
        arguments: [
            "127.example.com", "127.0.0.1.example", "127.1", "127.0.1", "2130706433", "0x7f000001", "0177.0.0.1",
            "127.000.0.1", "127.0.0.256", "128.0.0.1", "10.0.0.1", "0.0.0.0", "::", "::2", "::ffff:127.0.0.1",
            "[::1", "::1]", "::1%lo", "localhost.evil", "localhost.", "evil.localhost", " localhost", "", "[]",
        ])
    func notLoopback(_ host: String) {
        #expect(!Loopback.isLoopback(host))
    }
}
