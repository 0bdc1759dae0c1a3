import Foundation
import KioskApp
import KioskTestSupport
import Testing

/// `kiosk attend` loads only the form it can show; every other command loads and checks all.
@Suite("KioskResources: which forms are loaded")
struct KioskResourcesSelectionTests {
    let folder: TemporaryFolder
    let kiosk: URL

    /// A copy of Kiosk/ whose lt-volunteer form is broken (not JSON).
    init() throws {
        folder = try TemporaryFolder(prefix: "kiosk-resources")
        kiosk = folder.file("Kiosk")
        try FileManager.default.copyItem(at: Repository.kioskFolder, to: kiosk)
        try Data("{ not a form".utf8).write(to: kiosk.appendingPathComponent("forms/lt-volunteer.json"))
    }

    func load(_ forms: KioskContext.Forms) throws -> KioskContext {
        try KioskContext.load(dataDir: folder.path("data"), kioskDir: kiosk.path, forms: forms, environment: [:])
    }

    @Test func everyCommandButAttendRefusesABrokenFormItDoesNotUse() throws {
        let error = #expect(throws: SetupError.self) { try load(.all) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("lt-volunteer.json"))
    }

    @Test func attendLoadsOnlyTheConfiguredForm() throws {
        let context = try load(.attend(override: nil))
        #expect(context.resources.forms.keys.sorted() == ["ua-contract"])
        #expect(try context.resources.form("ua-contract").definition.id == "ua-contract")
    }

    @Test func attendWithAFormOptionAlsoLoadsIt() throws {
        // The broken form named by --form is refused with the file's name.
        let error = #expect(throws: SetupError.self) { try load(.attend(override: "lt-volunteer")) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("lt-volunteer.json"))
    }

    @Test func attendWithAnUnknownFormNamesTheFormsThereAre() throws {
        let context = try load(.attend(override: "no-such-form"))
        let error = #expect(throws: SetupError.self) { try context.resources.form("no-such-form") }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.contains("no form \"no-such-form\""))
        #expect(message.contains("ua-contract"))
    }
}
