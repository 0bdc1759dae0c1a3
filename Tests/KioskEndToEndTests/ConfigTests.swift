import Foundation
import KioskTestSupport
import Testing

/// The configuration file through the built `kiosk`: strict decoding with messages that name
/// the file, the key and what is expected; environment overrides; `KIOSK_CONFIG`; `config check`.
@Suite("kiosk configuration")
struct ConfigTests {
    /// A data folder with the demo configuration, created by a first `status`.
    func prepared() throws -> KioskFixture {
        let fixture = try KioskFixture()
        #expect(try fixture.run(["status"]).status == 0)
        return fixture
    }

    @Test func anUnknownKeyIsRefusedWithTheFileTheKeyAndTheAllowedKeys() throws {
        // Given a configuration with a typo in a key
        let fixture = try prepared()
        try fixture.writeConfig(KioskFixture.config(#""idle_timout_seconds": 60"#))

        // When the kiosk starts, and when the configuration is checked
        let attend = try fixture.run(["attend"], input: "1\n")
        let check = try fixture.run(["config", "check"])

        // Then both refuse, naming the file, the key and what is allowed
        for run in [attend, check] {
            #expect(run.status == 1)
            #expect(run.error.contains(fixture.dataDir.appendingPathComponent("config.json").path))
            #expect(run.error.contains(#"unknown key "idle_timout_seconds""#))
            #expect(run.error.contains("idle_timeout_seconds"))
            #expect(run.error.contains("min_free_disk_mb"))
        }
        #expect(attend.output.isEmpty)
    }

    @Test func aWrongTypeIsRefusedWithTheKeyAndTheExpectedType() throws {
        let fixture = try prepared()
        try fixture.writeConfig(
            #"{ "center": "DEMO01", "center_name": "Demo", "form": "ua-contract", "idle_timeout_seconds": "120" }"#)

        let check = try fixture.run(["config", "check"])

        #expect(check.status == 1)
        #expect(check.error.contains("config.json"))
        #expect(check.error.contains(#"key "idle_timeout_seconds": wrong type, expected Int"#))
    }

    @Test func aHeadquartersURLThatIsNotHTTPSIsRefused() throws {
        let fixture = try prepared()
        try fixture.writeConfig(KioskFixture.config(#""hq_url": "http://hq.example:8443""#))

        let check = try fixture.run(["config", "check"])

        #expect(check.status == 1)
        #expect(check.error.contains("config.json"))
        #expect(check.error.contains(#"key "hq_url" must use https"#))
    }

    @Test func anOutOfRangeFreeDiskThresholdIsRefused() throws {
        let fixture = try prepared()
        try fixture.writeConfig(KioskFixture.config(#""min_free_disk_mb": -1"#))

        let check = try fixture.run(["config", "check"])

        #expect(check.status == 1)
        #expect(check.error.contains(#"key "min_free_disk_mb" must be between 0 and 100000000"#))
    }

    @Test func environmentVariablesOverrideTheFile() throws {
        // Given the demo configuration, and KIOSK_CENTER and KIOSK_MIN_FREE_DISK_MB in the environment
        let fixture = try prepared()
        let overrides = ["KIOSK_CENTER": "ENV01", "KIOSK_MIN_FREE_DISK_MB": "7"]

        // When status runs
        let run = try fixture.run(["status", "--json"], environment: overrides)

        // Then the overrides are in effect, and the file is unchanged
        #expect(run.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(json["center"] as? String == "ENV01")
        #expect((json["health"] as? [String: Any])?["min_free_disk_mb"] as? Int == 7)
        let file = try String(contentsOf: fixture.dataDir.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(file.contains("DEMO01"))
    }

    @Test func anOverrideGoesThroughTheSameChecksAndIsNamed() throws {
        let fixture = try prepared()

        let notANumber = try fixture.run(["config", "check"], environment: ["KIOSK_IDLE_TIMEOUT_SECONDS": "soon"])
        let plainHTTP = try fixture.run(["config", "check"], environment: ["KIOSK_HQ_URL": "http://hq.example"])
        let badCenter = try fixture.run(["status"], environment: ["KIOSK_CENTER": "kyiv 3"])

        #expect(notANumber.status == 1)
        #expect(
            notANumber.error.contains(
                #"environment KIOSK_IDLE_TIMEOUT_SECONDS: expected a whole number for key "idle_timeout_seconds", got "soon""#
            ))
        #expect(plainHTTP.status == 1)
        #expect(plainHTTP.error.contains("(with environment KIOSK_HQ_URL)"))
        #expect(plainHTTP.error.contains(#"key "hq_url" must use https"#))
        #expect(badCenter.status == 1)
        #expect(badCenter.error.contains(#"(with environment KIOSK_CENTER): key "center" must be 2 to 12"#))
    }

    @Test func kioskConfigNamesTheFileAndNothingIsCreatedInTheDataFolder() throws {
        // Given a configuration file outside the data folder, as /etc/kiosk/config.json is
        let fixture = try KioskFixture()
        let etc = fixture.dataDir.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        let config = etc.appendingPathComponent("config.json")
        try KioskFixture.config().replacingOccurrences(of: "DEMO01", with: "ETC01")
            .write(to: config, atomically: true, encoding: .utf8)
        let data = fixture.dataDir.appendingPathComponent("data")

        // When status runs with KIOSK_CONFIG and KIOSK_DATA_DIR
        let environment = fixture.environment.merging(["KIOSK_CONFIG": config.path, "KIOSK_DATA_DIR": data.path]) { $1 }
        let process = try PipeProcess(
            executable: KioskFixture.kiosk, arguments: ["status", "--json", "--kiosk-dir", KioskFixture.kioskDir.path],
            environment: environment)
        process.closeInput()

        // Then that file is used, and the data folder holds no demo configuration and no key
        #expect(try process.waitForExit() == 0)
        #expect(process.output.contains(#""center" : "ETC01""#))
        #expect(FileManager.default.fileExists(atPath: data.path))
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("config.json").path))
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("keys").path))
    }

    @Test func aMissingKioskConfigFileIsReportedAndNotCreated() throws {
        let fixture = try KioskFixture()
        let missing = fixture.dataDir.appendingPathComponent("etc/config.json")

        let attend = try fixture.run(["attend"], input: "1\n", environment: ["KIOSK_CONFIG": missing.path])
        let check = try fixture.run(["config", "check"], environment: ["KIOSK_CONFIG": missing.path])

        #expect(attend.status == 1)
        #expect(attend.error.contains("cannot read \(missing.path)"))
        #expect(check.status == 1)
        #expect(check.error.contains("\(missing.path): no such file"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test func configCheckSummarisesAGoodConfigurationAndChangesNothing() throws {
        let fixture = try prepared()
        let before = try FileManager.default.contentsOfDirectory(atPath: fixture.dataDir.path).sorted()

        let check = try fixture.run(["config", "check"])

        #expect(check.status == 0)
        #expect(check.output.contains("config.json: ok"))
        #expect(check.output.contains("center:      DEMO01"))
        #expect(check.output.contains("form:        ua-contract (uk, en, lt)"))
        #expect(check.output.contains("upload:      not configured"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.dataDir.path).sorted() == before)
    }

    @Test func configCheckOnAFolderWithNoConfigurationCreatesNothing() throws {
        let fixture = try KioskFixture()
        try FileManager.default.removeItem(at: fixture.dataDir)

        let check = try fixture.run(["config", "check"])

        #expect(check.status == 1)
        #expect(check.error.contains("config.json: no such file; copy config.example.json"))
        #expect(!FileManager.default.fileExists(atPath: fixture.dataDir.path))
    }

    @Test func configCheckRefusesUnreadableOrWrongHeadquartersFiles() throws {
        // Given an https headquarters whose CA file is missing
        let fixture = try prepared()
        let upload =
            #""hq_url": "https://hq.example:8443", "hq_ca": "hq-ca.pem", "hq_receipt_key": "hq.pub.pem", "#
            + #""hq_sealing_key": "hq-sealing.pub.pem""#
        try fixture.writeConfig(KioskFixture.config(upload))
        let missingCA = try fixture.run(["config", "check"])

        // And then present, with a receipt key that is a certificate instead
        let certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        try fixture.writeFile("hq-ca.pem", certificate)
        try fixture.writeFile("hq.pub.pem", certificate)
        let wrongKey = try fixture.run(["config", "check"])

        // And then a real Ed25519 public key, with a sealing key that is the receipt key (Ed25519, not X25519)
        let key = try KioskFixture.tool("/bin/sh", ["-c", "openssl genpkey -algorithm ed25519 | openssl pkey -pubout"])
        try fixture.writeFile("hq.pub.pem", key + "\n")
        try fixture.writeFile("hq-sealing.pub.pem", key + "\n")
        let wrongSealingKey = try fixture.run(["config", "check"])

        // And then headquarters' real X25519 sealing key
        let sealing = try KioskFixture.tool(
            "/bin/sh", ["-c", "openssl genpkey -algorithm x25519 | openssl pkey -pubout"])
        try fixture.writeFile("hq-sealing.pub.pem", sealing + "\n")
        let good = try fixture.run(["config", "check"])
        let fingerprint = try KioskFixture.tool(
            "/bin/sh",
            ["-c", "openssl pkey -pubin -in '\(fixture.dataDir.path)/hq-sealing.pub.pem' -outform DER | sha256sum"])

        #expect(missingCA.status == 1)
        #expect(missingCA.error.contains(#"key "hq_ca": cannot read \#(fixture.dataDir.path)/hq-ca.pem"#))
        #expect(wrongKey.status == 1)
        #expect(wrongKey.error.contains(#"key "hq_receipt_key""#))
        #expect(wrongKey.error.contains("is not a PEM public key"))
        #expect(wrongSealingKey.status == 1)
        #expect(wrongSealingKey.error.contains(#"key "hq_sealing_key""#))
        #expect(wrongSealingKey.error.contains("X25519"))
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output.contains("upload:      https://hq.example:8443"))
        #expect(good.output.contains("sealing:     records sealed to \(fingerprint.prefix(64))"))
        #expect(good.output.contains("answers deleted when sealed"))
    }

    @Test func theExampleConfigurationDecodesAndOnlyLacksTheHeadquartersFiles() throws {
        // Given the example with its /etc/kiosk/ files moved to a folder that does not exist, so
        // that an installed kiosk's /etc/kiosk on this machine changes nothing
        let fixture = try KioskFixture()
        let example = try String(
            contentsOf: KioskFixture.kioskDir.appendingPathComponent("config.example.json"), encoding: .utf8)
        #expect(example.contains(#""/etc/kiosk/hq-ca.pem""#))
        let absent = fixture.dataDir.appendingPathComponent("no-etc-kiosk").path
        let copy = fixture.dataDir.appendingPathComponent("config.example.json")
        try example.replacingOccurrences(of: "/etc/kiosk/", with: absent + "/").write(
            to: copy, atomically: true, encoding: .utf8)

        let check = try fixture.run(["config", "check", "--config", copy.path])

        // Strict decoding passed: the first problem is the CA file an installed kiosk gets from headquarters.
        #expect(check.status == 1)
        #expect(check.error.contains(#"key "hq_ca": cannot read \#(absent)/hq-ca.pem"#))
    }
}
