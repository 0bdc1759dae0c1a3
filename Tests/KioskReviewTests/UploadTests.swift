import Foundation
import KioskReview
import Testing

@testable import KioskStore

@Suite("The supervisor's upload runs the uploader as a child process")
struct UploadTests {
    let fixture: ReviewFixture

    init() throws {
        fixture = try ReviewFixture()
    }

    func shell(_ script: String, available: Bool = true) -> UploadLauncher {
        UploadLauncher(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script], isAvailable: available)
    }

    @Test func theUploadIsAuditedAnnouncedAndItsOutputShownEscaped() throws {
        // Given an uploader that prints a line with an escape sequence and succeeds
        let console = try fixture.loggedIn(uploader: shell("printf 'sent batch 1\\n\\033[2Jdone\\n'; cat; exit 0"))

        // When the supervisor uploads
        let announcement = console.handle("upload")
        let result = console.proceed()

        // Then the request is logged first, then its output is shown inert
        #expect(announcement.continues && announcement.prompt == nil)
        #expect(try fixture.audit().last?.action == "upload" && fixture.audit().last?.staffID == "olena")
        #expect(result.lines == ["  sent batch 1", "  \\u{1B}[2Jdone", "Upload finished."])
        #expect(result.prompt == "review> ")
    }

    @Test func withARequestFileTheUploadIsLeftToTheUploadService() throws {
        // Given a console that may not upload itself (deployed: no network, no center key)
        let request = fixture.folder.appendingPathComponent("upload.request")
        let launcher = UploadLauncher(
            executable: URL(fileURLWithPath: "/bin/false"), arguments: [], isAvailable: true, requestFile: request)
        let console = try fixture.loggedIn(uploader: launcher)

        // When the supervisor uploads
        _ = console.handle("upload")
        let result = console.proceed()

        // Then only the request is left, for kiosk-upload.path to start the upload service
        #expect(FileManager.default.fileExists(atPath: request.path))
        #expect(result.text.hasPrefix("Upload requested: the upload service sends the batches now."))
        #expect(try fixture.audit().last?.action == "upload")
    }

    @Test func aFailedUploadSaysTheBatchesStay() throws {
        let console = try fixture.loggedIn(uploader: shell("echo 'Error: headquarters refused' >&2; exit 1"))
        _ = console.handle("upload")
        let result = console.proceed()
        #expect(result.lines.first == "  Error: headquarters refused")
        #expect(result.lines.last?.contains("status 1; the batches stay in the outbox") == true)
    }

    @Test func anExecutableWithoutTheUploadCommandGetsAClearMessage() throws {
        // ArgumentParser's answer to an unknown subcommand
        let missing = shell("echo \"Error: Unexpected argument 'upload'\" >&2; exit 64")
        let console = try fixture.loggedIn(uploader: missing)
        _ = console.handle("upload")
        #expect(console.proceed().text.contains("Uploading is not available in this build"))

        let unavailable = try fixture.loggedIn(uploader: shell("exit 0", available: false))
        _ = unavailable.handle("upload")
        #expect(unavailable.proceed().text.contains("Uploading is not available in this build"))
    }
}
