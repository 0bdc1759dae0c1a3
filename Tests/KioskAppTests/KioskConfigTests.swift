import Foundation
import KioskApp
import KioskTestSupport
import Testing

/// Decoding `config.json` strictly, with `KIOSK_<KEY>` overrides from the environment.
struct KioskConfigTests {
    static let file = "/etc/kiosk/config.json"

    static func decode(_ json: String, _ environment: [String: String] = [:]) throws(SetupError) -> KioskConfig {
        try KioskConfig.decode(Data(json.utf8), file: file, environment: environment)
    }

    static let demo = """
        { "center": "DEMO01", "center_name": "Demo", "form": "ua-contract", "idle_timeout_seconds": 120 }
        """

    @Test func theEnvironmentOverridesTheFileKeyByKey() throws {
        let config = try Self.decode(
            Self.demo,
            ["KIOSK_CENTER": "KYIV07", "KIOSK_MIN_FREE_DISK_MB": " 50 ", "KIOSK_FORM": "", "OTHER": "x"])

        #expect(config.center == "KYIV07")
        #expect(config.minFreeDiskMB == 50)
        #expect(config.form == "ua-contract", "an empty variable counts as unset")
        #expect(config.idleTimeoutSeconds == 120)
    }

    @Test func anOverrideIsCheckedLikeTheFileAndNamedInTheMessage() {
        #expect {
            try Self.decode(Self.demo, ["KIOSK_CENTER": "kyiv"])
        } throws: { error in
            "\(error)".contains(#"(with environment KIOSK_CENTER): key "center" must be 2 to 12"#)
        }
        #expect {
            try Self.decode(Self.demo, ["KIOSK_IDLE_TIMEOUT_SECONDS": "soon"])
        } throws: { error in
            "\(error)"
                == #"environment KIOSK_IDLE_TIMEOUT_SECONDS: expected a whole number for key "idle_timeout_seconds", got "soon""#
        }
    }

    @Test func unknownKeysAndWrongTypesNameTheFileAndTheKey() {
        #expect {
            try Self.decode(#"{ "center": "DEMO01", "centre_name": "Demo" }"#)
        } throws: { error in
            "\(error)".hasPrefix(#"/etc/kiosk/config.json: unknown key "centre_name"; allowed keys: center, "#)
        }
        #expect {
            try Self.decode(Self.demo.replacingOccurrences(of: "120", with: #""120""#))
        } throws: { error in
            "\(error)".contains(#"/etc/kiosk/config.json: key "idle_timeout_seconds": wrong type"#)
        }
    }

    @Test func plainHTTPIsRefusedExceptToALoopbackAddress() throws {
        let remote = Self.demo.replacingOccurrences(of: " }", with: #", "hq_url": "http://hq.example" }"#)
        let loopback = Self.demo.replacingOccurrences(of: " }", with: #", "hq_url": "http://127.0.0.1:8080" }"#)

        #expect {
            try Self.decode(remote)
        } throws: { error in
            "\(error)".contains(#"key "hq_url" must use https (plain http only to a loopback address"#)
        }
        #expect(try Self.decode(loopback).hqURL == "http://127.0.0.1:8080")
    }
}
