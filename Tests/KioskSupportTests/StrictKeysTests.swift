import Foundation
import KioskSupport
import Testing

@Suite("StrictKeys")
struct StrictKeysTests {
    struct Settings: Decodable, Equatable {
        var center: String
        var idleTimeoutSeconds: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case center
            case idleTimeoutSeconds = "idle_timeout_seconds"
        }

        init(center: String, idleTimeoutSeconds: Int?) {
            self.center = center
            self.idleTimeoutSeconds = idleTimeoutSeconds
        }

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.self, file: "config.json")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            center = try container.decode(String.self, forKey: .center)
            idleTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .idleTimeoutSeconds)
        }
    }

    @Test("known keys decode as before")
    func known() throws {
        let settings = try JSONDecoder().decode(Settings.self, from: Data(#"{"center":"DEMO01"}"#.utf8))
        #expect(settings == Settings(center: "DEMO01", idleTimeoutSeconds: nil))
    }

    @Test("an unknown key is refused with the file, the key and the allowed keys")
    func unknown() {
        let json = #"{"center":"DEMO01","idle_timout_seconds":5,"zz":1}"#
        let error = #expect(throws: UnknownKeyError.self) {
            try JSONDecoder().decode(Settings.self, from: Data(json.utf8))
        }
        #expect(error?.key == "idle_timout_seconds")
        #expect(
            error?.description
                == #"config.json: unknown key "idle_timout_seconds"; allowed keys: center, idle_timeout_seconds"#)
    }

    @Test("a hostile key is shown escaped and cut")
    func hostileKey() {
        let key = "\u{1B}[2J\"" + String(repeating: "x", count: 100)
        let error = StrictKeys.unknownKey(in: [key], allowed: ["a"], file: "manifest.json")
        let shown = error?.shownKey ?? ""
        #expect(shown.hasPrefix(#""\u{1b}[2J\""#))
        #expect(shown.hasSuffix("…\""))
        #expect(!shown.contains("\u{1B}"))
        #expect(StrictKeys.unknownKey(in: ["a"], allowed: ["a", "b"], file: "f") == nil)
    }
}
