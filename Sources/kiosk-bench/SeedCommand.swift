import Foundation
import KioskCore
import KioskCrypto
import KioskReview
import KioskStore
import KioskSupport

/// `kiosk-bench seed DATA_DIR CENTER YEAR STAFF_ID`: approved applications for the benchmarks
/// and the reliability suite, written through the product's stores, never with SQL by hand.
///
/// Each line of standard input is one application's answers (a JSON object of strings or
/// arrays of strings). It is submitted as the attend loop stores it (the next serial of CENTER
/// and YEAR) and approved by STAFF_ID as the review console approves it, with the history event
/// and the chained audit entry, 5,000 to a transaction. STAFF_ID is added as a reviewer, with
/// its audit entry, if there is no such account (with a random password nobody knows). Prints
/// each new reference on its own line, in input order.
enum SeedCommand {
    static let chunk = 5_000

    static func run(_ arguments: [String]) throws {
        guard arguments.count == 4 else { BenchCommand.usage() }
        let folder = URL(fileURLWithPath: arguments[0])
        let center = arguments[1]
        guard CenterCode.isValid(center) else { BenchCommand.fail("\(center) is not a center code") }
        guard let year = Int(arguments[2]), (2000...9999).contains(year) else {
            BenchCommand.fail("YEAR must be a year such as 2026")
        }
        let staffID = arguments[3]
        let database = try AppDatabase.open(at: folder.appendingPathComponent("kiosk.sqlite").path)
        try ensureReviewer(staffID, in: database)

        let decoder = JSONDecoder()
        var drafts: [ApplicationDraft] = []
        var line = 0
        func flush() throws {
            guard !drafts.isEmpty else { return }
            let approved = try database.review.submitAndApprove(
                drafts, formSHA256: String(repeating: "0", count: 64), center: center, year: year, staffID: staffID,
                at: Date(), hasher: .sha256)
            print(approved.map(\.reference).joined(separator: "\n"))
            drafts.removeAll(keepingCapacity: true)
        }
        while let text = readLine(strippingNewline: true) {
            line += 1
            let answers: [String: AnswerValue]
            do {
                answers = try decoder.decode([String: AnswerValue].self, from: Data(text.utf8))
            } catch {
                BenchCommand.fail("standard input line \(line): not a JSON object of answers (\(error))", status: 1)
            }
            drafts.append(
                ApplicationDraft(
                    formID: "ua-contract", formVersion: 1, language: .en, consentVersion: "2026-11-uk-1",
                    answers: answers))
            if drafts.count == chunk { try flush() }
        }
        try flush()
    }

    /// Adds `id` as a reviewer as `kiosk staff add` does, if there is no such account yet.
    private static func ensureReviewer(_ id: String, in database: AppDatabase) throws {
        guard try database.staff.account(id: id) == nil else { return }
        let password = "Seed-" + Hex.encode(try SecureRandom.bytes(count: 16))
        try StaffAdministration(database: database, actor: "os:kiosk-bench").add(
            id: id, name: "Seeding for bench/ and reliability/", role: .reviewer, password: password)
    }
}
