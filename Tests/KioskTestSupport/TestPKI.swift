import Foundation

/// A certificate authority and a server certificate for 127.0.0.1 / localhost, made at test
/// time with the stock `openssl` CLI, as an operator would make them.
package struct TestPKI: Sendable {
    package let folder: URL
    package var caCertificate: String { folder.appendingPathComponent("ca.pem").path }
    package var serverCertificate: String { folder.appendingPathComponent("server.pem").path }
    package var serverKey: String { folder.appendingPathComponent("server.key.pem").path }

    /// Makes the CA (`CA:TRUE`) and a server certificate it signs, in a new folder under `parent`.
    package init(in parent: URL, name: String) throws {
        folder = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ca = folder.appendingPathComponent("ca").path
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", ca + ".key.pem", "-out", caCertificate, "-days", "2", "-subj", "/CN=\(name) test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        let request = folder.appendingPathComponent("server.csr").path
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", serverKey,
            "-out", request, "-subj", "/CN=localhost",
        ])
        let extensions = folder.appendingPathComponent("server.ext").path
        try """
        subjectAltName=IP:127.0.0.1,DNS:localhost
        basicConstraints=CA:FALSE
        keyUsage=critical,digitalSignature
        extendedKeyUsage=serverAuth
        """.write(toFile: extensions, atomically: true, encoding: .utf8)
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", caCertificate, "-CAkey", ca + ".key.pem", "-CAcreateserial",
            "-out", serverCertificate, "-days", "2", "-extfile", extensions,
        ])
    }

    /// A client certificate (`clientAuth`) signed by this CA, for mutual TLS; returns (certificate, key) paths.
    package func clientCertificate(name: String) throws -> (certificate: String, key: String) {
        let key = folder.appendingPathComponent("\(name).key.pem").path
        let certificate = folder.appendingPathComponent("\(name).pem").path
        let request = folder.appendingPathComponent("\(name).csr").path
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", request,
            "-subj", "/CN=\(name)",
        ])
        let extensions = folder.appendingPathComponent("\(name).ext").path
        try "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n".write(
            toFile: extensions, atomically: true, encoding: .utf8)
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", caCertificate, "-CAkey",
            folder.appendingPathComponent("ca.key.pem").path,
            "-CAcreateserial", "-out", certificate, "-days", "2", "-extfile", extensions,
        ])
        return (certificate, key)
    }

    static func openssl(_ arguments: [String]) throws {
        _ = try ProcessRunner.check("openssl", arguments)
    }
}
