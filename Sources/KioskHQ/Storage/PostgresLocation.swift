import Foundation
import NIOSSL
import PostgresNIO

/// Where headquarters' PostgreSQL database is, from a URL as libpq writes it:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`, or
/// `postgres://USER@/DATABASE?host=/run/postgresql` for a Unix socket. Without a password in
/// the URL, `PGPASSWORD` is used when set.
struct PostgresLocation {
    let configuration: PostgresClient.Configuration
    /// The URL without its password, for messages.
    let shown: String

    init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw HQError(
                "--database must be a PostgreSQL URL such as postgres://kiosk@127.0.0.1:5432/kioskhq")
        }
        let query = Dictionary(
            (parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        guard let user = parts.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw HQError("the database URL names no user: postgres://USER@HOST/DATABASE")
        }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw HQError("the database URL names no database: postgres://USER@HOST/DATABASE")
        }
        let password = parts.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        var configuration: PostgresClient.Configuration
        if let socketFolder = query["host"], socketFolder.hasPrefix("/") {
            let port = parts.port ?? 5432
            configuration = .init(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            guard let host = parts.host, !host.isEmpty else {
                throw HQError("the database URL names no host: postgres://USER@HOST/DATABASE")
            }
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
            case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
            case let other:
                throw HQError("sslmode=\(other.prefix(20)) is not one of disable, prefer, require, verify-full")
            }
            configuration = .init(
                host: host, port: parts.port ?? 5432, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
        var safe = parts
        safe.password = nil
        safe.query = nil
        shown = safe.string ?? "the database"
    }
}
