import KioskCore
import KioskTestSupport
import Testing

/// The kiosk's e-mail check against the Python `email-validator` package (without DNS and
/// SMTPUTF8): the same addresses accepted, with the same normalized form (domain in Unicode).
struct EmailAddressConformanceTests {
    struct Row: Decodable {
        let input: String
        /// email-validator's normalized address, when it accepts the input.
        let normalized: String?
    }

    @Test func theKioskAgreesWithEmailValidator() throws {
        let rows = try Conformance.rows("email_corpus.py", ["--random", "5000"], as: Row.self)
        #expect(rows.count > 6000)
        #expect(rows.filter { $0.normalized == nil }.count > 1000, "the corpus must hold many malformed addresses")
        #expect(rows.filter { $0.normalized?.contains("укр") == true }.count > 100, "and many .укр addresses")

        var disagreements: [String] = []
        for row in rows {
            let kiosk = try? EmailAddress.normalize(row.input)
            if kiosk != row.normalized {
                disagreements.append(
                    "\(row.input.debugDescription): kiosk \(kiosk ?? "refused"), email-validator \(row.normalized ?? "refused")"
                )
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, e.g. \(disagreements.prefix(8))")
    }
}
