import Foundation
import KioskCore
import KioskReview
import Testing

@testable import KioskStore

@Suite("Console reading: list, search, show, stats, outbox")
struct ReadingTests {
    let fixture: ReviewFixture

    init() throws {
        fixture = try ReviewFixture()
    }

    @Test func theListIsNewestFirstInEightyColumnsAndPaged() throws {
        // Given 45 applications, one a minute, the last with a very long name
        for index in 0..<44 {
            try fixture.submit(["surname": .single("Applicant\(index)")], at: fixture.clock.now + Double(index * 60))
        }
        let last = try fixture.submit(
            ["surname": .single(String(repeating: "Дуже-Довге-Прізвище-", count: 5) + "Кінець")],
            at: fixture.clock.now + 44 * 60)
        let console = try fixture.loggedIn()

        // When the submitted list is shown, then the next pages
        let first = console.handle("list")
        let second = console.handle("more")
        let third = console.handle("more")

        // Then it is newest first, 20 a page, and no line passes 80 columns
        #expect(first.lines[0].hasPrefix("Reference             Submitted         Name"))
        #expect(first.lines[1].hasPrefix(last))
        #expect(first.lines[1].contains("Дуже-Довге-Прізвище-Д…"))
        #expect(first.lines.last == "Page 1 of 3, 45 applications (submitted); type more for the next page.")
        #expect(second.lines[1].contains("Applicant24"))
        // (the fixture's applicants share one RNOKPP, so each page explains the Same column)
        #expect(third.lines.count == 1 + 5 + 1 + 1 && third.lines.last == "Page 3 of 3, 45 applications (submitted).")
        #expect((first.lines + second.lines + third.lines).allSatisfy { $0.count <= 80 })
        #expect(console.handle("list rejected").text == "No applications (rejected).")
        #expect(console.handle("list lost").text.hasPrefix("Usage: list"))
        #expect(console.handle("list all 2").lines.count == 23)
    }

    @Test func anotherApplicationWithTheSameRNOKPPIsFlaggedInListAndShow() throws {
        // Given the same person twice, and someone else
        let first = try fixture.submit(["surname": .single("Шевченко")])
        let again = try fixture.submit(["surname": .single("Шевченко")], at: fixture.clock.now + 60)
        let other = try fixture.submit([
            "surname": .single("Kosach"), "sex": .single("female"), "rnokpp": .single("3652504581"),
        ])
        let console = try fixture.loggedIn()

        // Then the list marks both of the pair, and only them, and says what the mark means
        let list = console.handle("list").lines
        let row = { (reference: String) in list.first { $0.hasPrefix(reference) } ?? "" }
        #expect(row(first).hasSuffix("+1") && row(again).hasSuffix("+1"))
        #expect(!row(other).hasSuffix("+1"))
        #expect(list.contains(console.localized(.twinLegend)))
        #expect(list.allSatisfy { $0.count <= 80 })

        // And show names the other application of the same person, with its state
        #expect(
            console.handle("show \(first)").lines.contains(
                "! The same RNOKPP or personal code is in 1 other application held here: \(again) (submitted)."))
        #expect(!console.handle("show \(other)").text.contains("The same RNOKPP"))

        // And an application whose personal data is purged no longer counts
        try fixture.execute("UPDATE application SET purged_at = '2026-12-01 00:00:00.000' WHERE reference = '\(again)'")
        #expect(!console.handle("show \(first)").text.contains("The same RNOKPP"))
        #expect(!console.handle("list").lines.contains(console.localized(.twinLegend)))
    }

    @Test func searchFindsBySurnameInAnyCaseByRNOKPPAndByReference() throws {
        // Given three applicants
        let taras = try fixture.submit(["surname": .single("Шевченко")])
        let ivan = try fixture.submit(["surname": .single("Франко"), "given_name": .single("Іван")])
        let lesya = try fixture.submit([
            "surname": .single("Kosach"), "sex": .single("female"), "rnokpp": .single("3652504581"),
        ])
        let console = try fixture.loggedIn()

        // Then a surname matches from its start in any case, an RNOKPP exactly, a reference by part
        let bySurname = console.handle("search шевч").text
        #expect(bySurname.contains(taras) && !bySurname.contains(ivan))
        let byNumber = console.handle("search 3652504581").text
        #expect(byNumber.contains(lesya) && !byNumber.contains(taras))
        #expect(console.handle("search \(ivan.dropFirst(12).prefix(6))").text.contains(ivan))
        #expect(console.handle("search nobody").text == "Nothing found.")
        #expect(console.handle("search x").text.hasPrefix("Usage: search TEXT"))

        // And the log keeps how many were found, never what was searched
        let searches = try fixture.audit().filter { $0.action == "search" }
        #expect(searches.map(\.detail) == ["1 found", "1 found", "1 found", "0 found"])
        #expect(!searches.contains { ($0.detail ?? "").contains("шевч") || ($0.detail ?? "").contains("3652504581") })
    }

    @Test func escapeSequencesInStoredAnswersAreShownInert() throws {
        // Given answers changed behind the kiosk's back to hold terminal escape sequences:
        // clear screen, set the title, move the cursor, a C1 CSI, a bidi override
        let reference = try fixture.submit([
            "surname": .single("Shev\u{1B}[2J\u{1B}]0;pwned\u{07}chenko"),
            "given_name": .single("\u{9B}31mTaras\u{202E}"),
            "patronymic": .single("\u{1B}[10A\u{1B}[1;1H"),
        ])
        let console = try fixture.loggedIn()
        _ = console.handle("note \(reference) checked")
        try fixture.execute(
            "UPDATE review_event SET note = 'evil' || char(27) || '[31m' WHERE id = (SELECT MAX(id) FROM review_event)")

        // When staff list, search and show it
        let output = [
            console.handle("list"), console.handle("search shev"), console.handle("show \(reference)"),
        ].map(\.text).joined(separator: "\n")

        // Then no control character reaches the terminal; each shows as visible text
        #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!output.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        #expect(output.contains("Shev\\u{1B}[2J\\u{1B}]0;pwned\\u{7}chenko"))
        #expect(output.contains("\\u{9B}31mTaras\\u{202E}"))
    }

    @Test func showListsEveryAnswerWithItsNumberAndTheHistory() throws {
        let reference = try fixture.submit(["driving_licence": .multiple(["B", "C"])])
        let console = try fixture.loggedIn()
        let show = console.handle("show \(reference)")
        #expect(show.lines[0] == "\(reference)  state: submitted")
        #expect(show.text.contains("   5. Sex [sex]: Male"))
        #expect(show.text.contains("  19. Driving licence categories [driving_licence]: B — cars, C — lorries"))
        #expect(show.text.contains("   3. Patronymic [patronymic]: (not given)"))
        #expect(!show.text.contains("[prior_rank]"))
        #expect(show.text.hasSuffix("History:\n  (nothing yet)"))
        #expect(
            console.handle("show DEMO01-2026-000099-\(Self.checkCharacter(99))").text
                == "No application DEMO01-2026-000099-\(Self.checkCharacter(99)).")
        #expect(
            try fixture.audit().filter { $0.action == "show" }.map(\.reference) == [
                reference, "DEMO01-2026-000099-\(Self.checkCharacter(99))",
            ])
    }

    static func checkCharacter(_ serial: Int) -> String {
        String(ReferenceNumber(center: "DEMO01", year: 2026, serial: serial).checkCharacter)
    }

    @Test func statsCountTodayAndTotalsAndChartTheLastFourteenDays() throws {
        // Given applications today, three days ago and twenty days ago, one approved today
        let today = fixture.clock.now
        let approved = try fixture.submit(at: today)
        try fixture.submit(at: today)
        for _ in 0..<3 { try fixture.submit(at: today - 3 * 86_400) }
        try fixture.submit(at: today - 20 * 86_400)
        let console = try fixture.loggedIn()
        _ = console.handle("approve \(approved)")

        // When stats are shown
        let stats = console.handle("stats").lines

        // Then today's and all applications are counted by state
        #expect(stats.contains { $0.hasPrefix("  submitted") && $0.hasSuffix("1         5") })
        #expect(stats.contains { $0.hasPrefix("  approved") && $0.hasSuffix("1         1") })
        #expect(stats.contains { $0.hasPrefix("  total") && $0.hasSuffix("2         6") })
        #expect(stats.contains("Decided today: 1 approved, 0 rejected, 0 issues, 0 edits, 0 notes."))
        // And the chart has 14 days in 80 columns, the busiest day with the longest bar
        let chart = Array(stats.drop { !$0.hasPrefix("Submitted per day") }.dropFirst())
        #expect(chart.count == 14)
        #expect(chart.allSatisfy { $0.count <= 80 })
        let marks = chart.map { $0.filter { $0 == "#" }.count }
        #expect(chart[10].hasSuffix(" 3") && chart[13].hasSuffix(" 2"))
        #expect(marks[10] > marks[13] && marks[13] > 0 && marks[0] == 0)
    }

    @Test func theOutboxShowsWaitingAndDeliveredBatchesAndTheLastError() throws {
        // Given one delivered and one waiting batch, and an approved application not yet batched
        try fixture.execute(
            """
            INSERT INTO batch (sequence, created_at, manifest_sha256, record_count, records_size, manifest, signature, delivered_at)
            VALUES (1, '2026-11-17 10:00:00.000', 'a', 3, 10, x'00', x'00', '2026-11-17 11:00:00.000'),
                   (2, '2026-11-18 09:30:00.000', 'b', 2, 10, x'00', x'00', NULL)
            """)
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        _ = console.handle("approve \(reference)")

        // When the outbox is shown
        let outbox = console.handle("outbox").lines

        // Then it says what waits, what was delivered, and that no error is recorded
        #expect(outbox[0] == "Approved, not yet sealed into a batch: 1")
        #expect(outbox[1] == "Batches waiting for headquarters: 1")
        #expect(outbox[2] == "  batch 2  sealed 2026-11-18 11:30  2 applications")
        #expect(outbox[3] == "Delivered batches: 1 (last receipt 2026-11-17 13:00)")
        #expect(outbox.last == "No upload error recorded." || outbox.last?.hasPrefix("Last upload error") == true)
    }
}
