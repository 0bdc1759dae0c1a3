import Foundation
import GRDB
import KioskCore
import KioskReview

@testable import KioskStore

/// A clock the test moves by hand, so idle timeouts and session lifetimes need no waiting.
final class TestClock: ReviewClock {
    var now: Date

    init(_ now: Date = Date(timeIntervalSince1970: 1_795_000_000)) {  // 2026-11-18, a weekday
        self.now = now
    }

    func advance(seconds: TimeInterval) {
        now += seconds
    }
}

/// A real SQLite database in a temporary folder, the real forms from `Kiosk/`, staff
/// accounts with a low scrypt cost, and consoles to drive.
final class ReviewFixture {
    let folder: URL
    let database: AppDatabase
    let clock = TestClock()
    let forms: ReviewForms
    var policy: LoginPolicy

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kioskDirectory = packageRoot.appendingPathComponent("Kiosk")

    /// The supervisor and reviewer every test has; passwords are what they are called.
    static let supervisor = ("olena", "supervisor-password-1")
    static let reviewer = ("petro", "reviewer-password-1")

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try AppDatabase.open(at: folder.appendingPathComponent("kiosk.sqlite").path)
        forms = try Self.loadForms()
        policy = LoginPolicy()
        policy.hashCost = 4  // tests only: production hashes with N = 2^17
        try administration().add(
            id: Self.supervisor.0, name: "Olena Ivanenko", role: .supervisor, password: Self.supervisor.1)
        try administration().add(id: Self.reviewer.0, name: "Petro Bondar", role: .reviewer, password: Self.reviewer.1)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    static func loadForms(language: Language = .en) throws -> ReviewForms {
        func data(_ name: String) throws -> Data { try Data(contentsOf: kioskDirectory.appendingPathComponent(name)) }
        let catalog = try DefinitionLoader.catalog(from: data("units.json"), file: "units.json")
        let forms = try ["ua-contract", "lt-volunteer"].map {
            try DefinitionLoader.form(from: data("forms/\($0).json"), file: "forms/\($0).json", catalog: catalog)
        }
        let strings = try DefinitionLoader.strings(
            from: data("strings/\(language.rawValue).json"), language: language,
            file: "strings/\(language.rawValue).json")
        let numbers = try DefinitionLoader.mobileNumberPlan(
            from: data("phone-numbers.json"), file: "phone-numbers.json")
        return ReviewForms(forms: forms, catalog: catalog, numbers: numbers, strings: strings)
    }

    func administration(actor: String = "os:test") -> StaffAdministration {
        let clock = clock
        return StaffAdministration(database: database, actor: actor, policy: policy, now: { [now = clock.now] in now })
    }

    func console(uploader: UploadLauncher? = nil) -> ReviewConsole {
        var settings = ReviewConsole.Settings(center: "DEMO01")
        settings.policy = policy
        settings.timeZone = TimeZone(identifier: "Europe/Kyiv")!
        return ReviewConsole(database: database, forms: forms, clock: clock, settings: settings, uploader: uploader)
    }

    /// A console with `account` logged in.
    func loggedIn(
        _ account: (String, String) = ReviewFixture.supervisor, uploader: UploadLauncher? = nil
    ) throws
        -> ReviewConsole
    {
        let console = console(uploader: uploader)
        _ = console.start()
        _ = console.handle(account.0)
        let reply = console.handle(account.1)
        guard reply.text.contains("Logged in as") else { throw FixtureError("login failed: \(reply.text)") }
        return console
    }

    /// The default answers: a man born 2000-01-01 with a valid RNOKPP, no prior service.
    static let answers: [String: AnswerValue] = [
        "surname": .single("Shevchenko"), "given_name": .single("Taras"), "birth_date": .single("2000-01-01"),
        "sex": .single("male"), "rnokpp": .single("3652504575"), "document_type": .single("id-card"),
        "document_number": .single("123456789"), "phone": .single("+380671234567"), "region": .single("kyiv-city"),
        "education": .single("complete-secondary"), "prior_service": .single("no"), "service_type": .single("contract"),
        "unit": .single("none"), "health": .single("no-known-conditions"), "consent": .single("yes"),
    ]

    /// Stores an application as the kiosk would; returns its reference.
    @discardableResult
    func submit(_ changes: [String: AnswerValue?] = [:], at date: Date? = nil) throws -> String {
        var answers = Self.answers
        for (key, value) in changes { answers[key] = value }
        let draft = ApplicationDraft(
            formID: "ua-contract", formVersion: forms.forms["ua-contract"]!.version, language: .en,
            consentVersion: forms.forms["ua-contract"]!.consent.version, answers: answers)
        return try database.applications.submit(
            draft, formSHA256: "test", center: "DEMO01", year: 2026, at: date ?? clock.now
        )
        .reference
    }

    func state(_ reference: String) throws -> ApplicationState? {
        try database.applications.find(reference: reference)?.state
    }

    /// Runs SQL directly, as someone with the sqlite3 CLI would.
    func execute(_ sql: String) throws {
        try database.writer.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    func audit() throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        try database.audit.forEachEntry { entries.append($0) }
        return entries
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
