import Testing

@testable import KioskTerminal

@Suite("LineWrapper and the option columns")
struct LineWrapperTests {
    @Test func aLongLineBreaksBetweenWordsNeverInsideOne() {
        let text = "Якщо Ви раніше проходили військову службу, це могло б завадити військовій службі за контрактом"
        let lines = LineWrapper.wrap(text, width: 30)
        #expect(lines.allSatisfy { $0.count <= 30 })
        #expect(lines.joined(separator: " ") == text)
        #expect(lines.count > 2)
    }

    @Test(
        "a continuation keeps the indentation and the marker's width",
        arguments: [
            ("  Довгий текст підказки, який не вміщується в один рядок терміналу", "  "),
            ("! Помилка: номер не мобільний, потрібен номер мобільного телефону", "  "),
            ("i Tai ne mobiliojo telefono numeris, reikia mobiliojo numerio", "  "),
            ("  12) Дніпропетровська область і ще дуже довга назва вибору", "      "),
            ("10. Прізвище [surname]: Шевченко-Квітка-Основ'яненко-Довгий", "    "),
        ])
    func hangingIndent(line: String, indent: String) {
        let lines = LineWrapper.wrap(line, width: 24)
        #expect(lines.count > 1)
        for continuation in lines.dropFirst() {
            #expect(continuation.hasPrefix(indent) && !continuation.dropFirst(indent.count).hasPrefix(" "))
        }
        #expect(lines.allSatisfy { $0.count <= 24 })
    }

    @Test func aWordLongerThanTheLineIsCutAtTheEdge() {
        let lines = LineWrapper.wrap("x " + String(repeating: "ж", count: 50), width: 20)
        #expect(lines.allSatisfy { $0.count <= 20 })
        #expect(lines.joined().replacingOccurrences(of: " ", with: "") == "x" + String(repeating: "ж", count: 50))
    }

    @Test func shortLinesAndEmptyLinesAreLeftAlone() {
        #expect(LineWrapper.wrap("", width: 80) == [""])
        #expect(LineWrapper.wrap("  1) Так", width: 80) == ["  1) Так"])
        #expect(LineWrapper.wrap(["a", "", "b"], width: 80) == ["a", "", "b"])
    }

    @Test func combiningMarksTakeNoColumnOfTheirOwn() {
        // "é" as e + U+0301 is one character on screen.
        let word = String(repeating: "e\u{301}", count: 10)
        #expect(LineWrapper.wrap(word + " " + word, width: 21) == [word + " " + word])
    }

    static let regions = (1...27).map { "\($0)) Область номер \($0)" }

    @Test func optionsStayOneALineWhenTheyFitOrTheHeightIsUnknown() {
        #expect(AttendScreen.optionLines(Self.regions, width: 80, rows: nil).count == 27)
        #expect(AttendScreen.optionLines(Self.regions, width: 80, rows: 30).count == 27)
    }

    @Test func longListsGoIntoColumnsReadDownwards() {
        let lines = AttendScreen.optionLines(Self.regions, width: 80, rows: 15)
        #expect(lines.count == 14)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[0].hasPrefix("  1) ") && lines[0].contains("15) "))
        #expect(lines[13].hasPrefix("  14) ") && !lines[13].contains("28)"))
        let all = lines.joined(separator: " ")
        for number in 1...27 { #expect(all.contains("\(number)) Область номер \(number)")) }
    }
}
