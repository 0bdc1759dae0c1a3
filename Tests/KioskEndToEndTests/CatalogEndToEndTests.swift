import Foundation
import KioskCore
import KioskCrypto
import KioskReceipt
import KioskTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The unit catalog from headquarters to the applicant: `kiosk-hq catalog publish`, the built
/// `kiosk-hq` serving it over HTTPS on a free port, `kiosk catalog fetch` and `kiosk upload`
/// keeping it, and the next applicant offered its units through a pseudo-terminal.
@Suite("unit catalog from kiosk-hq to the applicant (built executables)", .serialized)
final class CatalogEndToEndTests {
    let fixture: KioskFixture
    let hq: HQTestServer
    let work: TemporaryFolder

    init() throws {
        fixture = try KioskFixture()
        _ = try fixture.run(["status"])  // creates the data folder and the demo center's key
        hq = try HQTestServer(
            root: fixture.dataDir, centerKey: fixture.dataDir.appendingPathComponent("keys/center.pub.pem"))
        work = try TemporaryFolder(prefix: "kiosk-catalog")
    }

    var heldFile: URL { fixture.dataDir.appendingPathComponent("catalog.json") }

    /// A position as a catalog file writes it.
    static func position(_ id: String, _ name: String, places: Int? = nil, maxAge: Int? = nil) -> [String: Any] {
        var position: [String: Any] = ["id": id, "name": ["uk": name, "en": name, "lt": name]]
        if let places { position["open_places"] = places }
        if let maxAge { position["age"] = ["max": maxAge] }
        return position
    }

    static func unit(_ id: String, _ name: String, _ positions: [[String: Any]]) -> [String: Any] {
        ["id": id, "country": "UA", "name": ["uk": name, "en": name, "lt": name], "positions": positions]
    }

    /// Writes a catalog file and publishes it at headquarters.
    @discardableResult
    func publish(
        _ units: [[String: Any]], _ extra: [String] = []
    ) throws -> (status: Int32, output: String, error: String) {
        let file = work.url.appendingPathComponent("units-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["fictional": true, "units": units]).write(to: file)
        return try HQTestServer.run(["catalog", "publish", file.path, "--data-dir", hq.dataDir.path] + extra)
    }

    func fetch(from url: String? = nil) throws -> (status: Int32, output: String, error: String) {
        var arguments = ["catalog", "fetch", "--hq", url ?? hq.url, "--hq-key", hq.receiptKey]
        if url == nil { arguments += ["--hq-ca", hq.pki.caCertificate] }
        return try fixture.run(arguments)
    }

    /// An application typed through a pipe, with "none" for the unit; returns what the kiosk showed.
    func attendByPipe() throws -> String {
        let script = [
            "2", "Shevchenko", "Taras", "", "2000-01-01", "male", "3652504575", "ID card", "123456789",
            "+380 67 123 45 67", "", "1", "2", "no", "1", "none", "", "1", "yes", "confirm", "",
        ]
        let run = try fixture.run(["attend", "--once"], input: script.joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.error)")
        return run.output
    }

    /// A statement signed with headquarters' own receipt key, as a forger who stole it or a test would.
    func signedByHQ(
        version: Int, centers: [String] = [], expiresIn: TimeInterval = 86_400, units: [KioskCore.Unit]
    ) throws -> SignedCatalog {
        let key = try Ed25519PrivateKey(
            pemRepresentation: String(
                contentsOf: hq.dataDir.appendingPathComponent("keys/receipt.key.pem"), encoding: .utf8))
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let statement = CatalogStatement(
            version: version, centers: centers, issuedAt: now, expiresAt: now.addingTimeInterval(expiresIn),
            keyFingerprint: key.publicKey.fingerprint, catalog: UnitCatalog(fictional: true, units: units))
        return try SignedCatalog.sign(statement, with: key)
    }

    static func name(_ text: String) -> LocalizedText { LocalizedText([.uk: text, .en: text, .lt: text]) }

    func statusCatalog() throws -> [String: Any] {
        let status = try fixture.run(["status", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        return try #require(json["catalog"] as? [String: Any])
    }

    // MARK: - Tests

    @Test func aPublishedCatalogReachesTheNextApplicantAndANewerOneWithdrawsItsUnit() throws {
        try hq.start()
        // Given nothing published: the kiosk keeps its local units.json, and status says so
        let none = try fetch()
        #expect(none.status == 0, "\(none.error)")
        #expect(none.output.contains("publishes none for this center; the local units.json stays in use"))
        let local = try statusCatalog()
        #expect(local["version"] as? Int == 0 && local["fetched_at"] is NSNull && local["expires_at"] is NSNull)

        // When headquarters publishes a unit whose positions are: open for any age, for 25 and
        // under, and full; and a unit only for 25 and under
        let published = try publish([
            Self.unit(
                "vacancy-brigade-7", "Vacancy Brigade 7",
                [
                    Self.position("cook", "Field cook", places: 2), Self.position("scout", "Scout", maxAge: 25),
                    Self.position("sapper", "Sapper", places: 0),
                ]),
            Self.unit("youth-battalion-8", "Youth Battalion 8", [Self.position("runner", "Runner", maxAge: 25)]),
        ])
        #expect(published.status == 0, "\(published.error)")
        #expect(published.output.contains("published catalog version 1 for every center"))
        #expect(try HQTestServer.run(["catalog", "show", "--data-dir", hq.dataDir.path]).output.contains("version 1"))
        // And the kiosk fetches it
        let fetched = try fetch()
        #expect(fetched.status == 0, "\(fetched.error)")
        #expect(fetched.output.contains("catalog: version 1 stored"))
        #expect(try FileManager.default.attributesOfItem(atPath: heldFile.path)[.posixPermissions] as? Int == 0o600)
        let status = try statusCatalog()
        #expect(status["version"] as? Int == 1 && status["fetched_at"] is String && status["expires_at"] is String)
        #expect(try fixture.run(["status"]).output.contains("catalog:     version 1"))

        // Then the next applicant (26 years old), on a terminal, is offered the new unit and not
        // the one for the young, nor the shipped demo units; of its positions only the open one for any age
        let terminal = try fixture.terminal(["attend", "--once"])
        try terminal.expect("Choose a language")
        terminal.sendLine("2")
        for (field, answer) in AttendTerminalTests.answers {
            try terminal.expect(try KioskFixture.label(field, .en))
            let options = try terminal.expect("> ")
            if field == "unit" {
                #expect(options.contains("Vacancy Brigade 7"))
                #expect(!options.contains("Youth Battalion 8"))
                #expect(!options.contains("Demo Brigade"))
                #expect(options.contains("No preference"))
            }
            if field == "position" {
                #expect(options.contains("Field cook"))
                #expect(!options.contains("Scout") && !options.contains("Sapper"))
            }
            terminal.sendLine(field == "unit" || field == "position" ? "1" : answer)
        }
        try terminal.expect("> ")
        terminal.sendLine("confirm")
        try terminal.expect("press Enter to finish")
        terminal.sendLine("")
        #expect(try terminal.waitForExit() == 0)
        #expect(
            try fixture.sqlite(
                "SELECT json_extract(answers, '$.unit'), json_extract(answers, '$.position'), catalog_version FROM application"
            ) == "vacancy-brigade-7|cook|1")

        // When a newer catalog without that unit is published, the next `kiosk upload` fetches it
        try publish([Self.unit("vacancy-brigade-9", "Vacancy Brigade 9", [Self.position("driver", "Driver")])])
        let upload = try fixture.run([
            "upload", "--hq", hq.url, "--hq-ca", hq.pki.caCertificate, "--hq-key", hq.receiptKey, "--hq-seal-key",
            hq.sealingKey,
        ])
        #expect(upload.status == 0, "\(upload.error)")
        #expect(upload.output.contains("catalog: version 2 stored (was version 1)"))
        #expect(try fetch().output.contains("catalog: version 2 is current"))

        // Then the next applicant is offered the new unit and no longer the withdrawn one
        let shown = try attendByPipe()
        #expect(shown.contains("Vacancy Brigade 9"))
        #expect(!shown.contains("Vacancy Brigade 7"))
        #expect(try fixture.sqlite("SELECT catalog_version FROM application ORDER BY id DESC LIMIT 1") == "2")
    }

    @Test func aReplayedATamperedAndAnotherCentersCatalogAreRefusedAndChangeNothing() throws {
        try hq.start()
        try publish([Self.unit("vacancy-brigade-7", "Vacancy Brigade 7", [Self.position("cook", "Cook")])])
        try publish([Self.unit("vacancy-brigade-9", "Vacancy Brigade 9", [Self.position("driver", "Driver")])])
        #expect(try fetch().status == 0)
        let held = try Data(contentsOf: heldFile)
        let version1 = try Data(contentsOf: hq.dataDir.appendingPathComponent("catalogs/catalog-000001.json"))

        // When a server replays version 1, correctly signed
        let replay = try FakeCatalogServer(body: Array(version1))
        let replayed = try fetch(from: replay.url)
        // Then it is refused as older, and the held catalog is the same bytes
        #expect(replayed.status == 1)
        #expect(replayed.error.contains("sent version 1, not newer than the version 2 held"), "\(replayed.error)")
        #expect(try Data(contentsOf: heldFile) == held)

        // When version 2 comes back with a unit renamed and the version raised, under the old signature
        let signed = try SignedCatalog(wireBody: Array(held))
        let text = String(decoding: signed.bytes, as: UTF8.self)
            .replacingOccurrences(of: "Vacancy Brigade 9", with: "Forged Brigade 9")
            .replacingOccurrences(of: #""version":2"#, with: #""version":3"#)
        let forged = SignedCatalog(bytes: Array(text.utf8), signature: signed.signature)
        let tampered = try FakeCatalogServer(body: forged.wireBody())
        let refused = try fetch(from: tampered.url)
        // Then the signature does not verify and nothing changes
        #expect(refused.status == 1)
        #expect(refused.error.contains("signature does not verify"), "\(refused.error)")
        #expect(try Data(contentsOf: heldFile) == held)

        // When a correctly signed, newer catalog for another center is served
        let other = try FakeCatalogServer(
            body: try signedByHQ(
                version: 5, centers: ["OTHER01"],
                units: [
                    KioskCore.Unit(
                        id: "u", country: "UA", name: Self.name("Other Unit"),
                        positions: [
                            Position(id: "p", name: Self.name("P"))
                        ])
                ]
            ).wireBody())
        let foreign = try fetch(from: other.url)
        #expect(foreign.status == 1)
        #expect(foreign.error.contains("not for this center DEMO01"), "\(foreign.error)")
        #expect(try Data(contentsOf: heldFile) == held)

        // And the applicant is still offered version 2's unit
        #expect(try attendByPipe().contains("Vacancy Brigade 9"))
        // And headquarters gives another center's catalog only to it: DEMO01 still gets version 2
        #expect(
            try publish([Self.unit("u", "Other Unit", [Self.position("p", "P")])], ["--centers", "OTHER01"]).status == 0
        )
        #expect(try fetch().output.contains("catalog: version 2 is current"))
    }

    @Test func pastItsExpiryTheCatalogOffersNoPositionAndStatusSaysSo() throws {
        // Given a catalog that expires two seconds after it was fetched
        let catalog = try signedByHQ(
            version: 1, expiresIn: 2,
            units: [
                KioskCore.Unit(
                    id: "short-lived", country: "UA", name: Self.name("Short-lived Unit"),
                    positions: [
                        Position(id: "p", name: Self.name("Position"))
                    ])
            ])
        let server = try FakeCatalogServer(body: catalog.wireBody())
        let fetched = try fetch(from: server.url)
        #expect(fetched.status == 0, "\(fetched.error)")
        #expect(try attendByPipe().contains("Short-lived Unit"))

        // When it has expired
        sleep(3)

        // Then the applicant is offered no unit, only "no preference", and can still apply
        let shown = try attendByPipe()
        #expect(!shown.contains("Short-lived Unit") && !shown.contains("Demo Brigade"))
        #expect(shown.contains("No preference"))
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application") == "2")
        // And status says so
        #expect(try statusCatalog()["expired"] as? Bool == true)
        #expect(try fixture.run(["status"]).output.contains("version 1 EXPIRED"))
    }

    @Test func aBrokenCatalogIsRefusedAtHeadquartersNamingTheFileThePositionAndTheProblem() throws {
        // Given a catalog whose position has an age range with min above max
        var scout = Self.position("scout", "Scout")
        scout["age"] = ["min": 40, "max": 30]
        let run = try publish([Self.unit("vacancy-brigade-7", "Vacancy Brigade 7", [scout])])

        // Then publishing fails with the file, the unit, the position and the problem, and stores nothing
        #expect(run.status != 0)
        #expect(run.error.contains("units-"), "\(run.error)")
        #expect(run.error.contains(#"unit "vacancy-brigade-7" position "scout": age min 40 is above max 30"#))
        let show = try HQTestServer.run(["catalog", "show", "--data-dir", hq.dataDir.path])
        #expect(show.output.contains("no catalog published"))
    }
}
