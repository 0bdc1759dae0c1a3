import Foundation
import KioskApp
import KioskStore
import KioskTestSupport
import Testing

/// `kiosk status` shows the last upload error, which is headquarters' text: a row stored raw
/// (by an older uploader, or edited in) must not reach the terminal with its controls (issue 18).
struct UploadStatusReportTests {
    @Test func aStoredLastErrorWithTerminalControlsIsShownInert() throws {
        // Given a last upload error holding ESC, BEL and a C1 CSI, stored as it came
        let temporary = try TemporaryFolder()
        let folder = DataFolder(url: temporary.url.appendingPathComponent("data"))
        try folder.prepare()
        let database = try folder.openDatabase()
        try database.delivery.recordUploadRun(
            UploadRun(
                startedAt: Date(), finishedAt: Date(), outcome: .operatorAction, deliveredBatches: 0,
                error: "refused: \u{1B}]0;owned\u{07}\u{9B}2J"))

        // When the status report is made
        let report = UploadStatusReport(try database.delivery.summary())

        // Then neither its lines nor its JSON hold a control character, and the text is still there
        let text = report.lines.joined(separator: "\n")
        #expect(text.contains("refused: \\u{1B}]0;owned\\u{7}\\u{9B}2J"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for output in [text, json] {
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" })
        }
    }
}
