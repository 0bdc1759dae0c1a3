#if canImport(Glibc)
import Glibc
#endif

/// Whether a host is certainly this machine, the only place plain HTTP is allowed.
///
/// Only literals are trusted, never a name that has to be resolved: `127.example.com` starts
/// like a loopback address but resolves wherever its owner likes, and serving or sending
/// personal data in plain HTTP there would be a leak. Accepted:
/// - an IPv4 literal in 127.0.0.0/8 in the four-part dotted-decimal form (`127.0.0.1`,
///   `127.255.255.254`). Short and numeric forms such as `127.1` or `2130706433` are refused:
///   `inet_aton` would read them as 127.0.0.1, but other parsers do not, and nobody needs them;
/// - `::1` in any valid spelling (`0:0:0:0:0:0:0:1`), bracketed or not;
/// - the name `localhost` (any case), which the resolver maps to loopback by itself.
package enum Loopback {
    /// Whether `host` (a URL host or a listen address, with or without `[...]`) is loopback.
    package static func isLoopback(_ host: String) -> Bool {
        var bare = Substring(host)
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        if bare.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(bare), &v4) == 1 {
            // The address is in network byte order: the first byte is the first number.
            return withUnsafeBytes(of: &v4) { $0.first == 127 }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, String(bare), &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in
                bytes.prefix(15).allSatisfy { $0 == 0 } && bytes.last == 1
            }
        }
        return false
    }
}
