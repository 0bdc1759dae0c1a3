import Foundation

/// The independent implementations the kiosk is checked against (libphonenumber's Python port,
/// `email-validator`, pyhpke), run through the corpus scripts in `Tests/Conformance/`.
///
/// The Python comes from the repository's `.venv` (what `.ci/run` creates) or else `python3`
/// on PATH; a missing package is a failure naming the command that installs it, not a skip.
package enum Conformance {
    /// `Tests/Conformance/`.
    package static let folder = Repository.root.appendingPathComponent("Tests/Conformance")

    /// Runs `Tests/Conformance/SCRIPT` and returns its lines decoded as `Row`.
    package static func rows<Row: Decodable>(_ script: String, _ arguments: [String] = [], as: Row.Type) throws -> [Row]
    {
        let decoder = JSONDecoder()
        return try output(script, arguments).split(separator: "\n").map {
            try decoder.decode(Row.self, from: Data($0.utf8))
        }
    }

    /// Runs `Tests/Conformance/SCRIPT` and returns what it printed; a non-zero exit is an error.
    package static func output(_ script: String, _ arguments: [String] = []) throws -> String {
        let result = try ProcessRunner.run(python(), [folder.appendingPathComponent(script).path] + arguments)
        guard result.status == 0 else {
            throw HarnessError.toolFailed("python3 \(script)", status: result.status, stderr: result.stderr)
        }
        return result.stdoutText
    }

    private static func python() throws -> URL {
        let venv = Repository.root.appendingPathComponent(".venv/bin/python")
        if FileManager.default.isExecutableFile(atPath: venv.path) { return venv }
        return try ProcessRunner.tool("python3")
    }
}
