import Foundation
import KioskTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server the PostgreSQL tests run against: `KIOSK_HQ_TEST_POSTGRES` (a URL to
/// its maintenance database), as `scripts/postgres-test-cluster start` prints it; `.ci/run`
/// starts one. Each test gets a database of its own, dropped afterwards.
enum PostgresTestServer {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["KIOSK_HQ_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    /// `pg_ctl -D DIR` of the test cluster, to stop and start it under load.
    static let control = environment["KIOSK_HQ_TEST_PG_CTL"].flatMap { $0.isEmpty ? nil : $0 }
    static var available: Bool { url != nil }

    /// Runs `sql` with the stock `psql` against `url`; the unaligned output, trimmed.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = try PipeProcess(
            executable: URL(fileURLWithPath: "/usr/bin/psql"),
            arguments: ["--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-tAq", "-d", url, "-c", sql],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        process.closeInput()
        let status = try process.waitForExit(timeout: .seconds(60))
        guard status == 0 else {
            throw HarnessError.systemCall("psql: \(process.errorOutput)", code: status)
        }
        return process.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `pg_ctl ... stop` or `start` on the test cluster (as `postgres` when the tests run as root).
    ///
    /// Its output goes to /dev/null, not to a pipe: the server it starts would hold a pipe open
    /// for as long as it runs.
    static func pgctl(_ action: String) throws {
        guard let control else { throw HarnessError.systemCall("KIOSK_HQ_TEST_PG_CTL is not set", code: 0) }
        var arguments = control.split(separator: " ").map(String.init)
        let executable = arguments.removeFirst()
        arguments += action == "stop" ? ["-m", "fast", "-w", "stop"] : ["-w", "-t", "60", "start"]
        let command =
            getuid() == 0
            ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        // posix_spawn and waitpid, not Foundation's Process: its exit detection missed runuser's
        // exit here once the server it started was running.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in Int32(0)...2 {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, &argv, environ)
        guard spawned == 0 else { throw HarnessError.systemCall("cannot start pg_ctl", code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw HarnessError.systemCall("pg_ctl \(action) failed", code: status) }
    }
}

/// A fresh, empty database on the test server.
final class PostgresTestDatabase {
    let name: String
    let url: String

    init() throws {
        guard let server = PostgresTestServer.url, var parts = URLComponents(string: server) else {
            throw HarnessError.systemCall("KIOSK_HQ_TEST_POSTGRES is not set", code: 0)
        }
        name = "hq_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresTestServer.psql(server, "CREATE DATABASE \(name)")
        parts.path = "/\(name)"
        url = parts.string!
    }

    deinit {
        if let server = PostgresTestServer.url {
            _ = try? PostgresTestServer.psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// One value (or lines of values) of `sql` in this database.
    func value(_ sql: String) throws -> String {
        try PostgresTestServer.psql(url, sql)
    }

    func count(_ table: String) throws -> Int {
        Int(try value("SELECT COUNT(*) FROM \(table)")) ?? -1
    }
}
