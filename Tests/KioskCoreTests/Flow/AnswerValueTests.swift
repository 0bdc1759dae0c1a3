import Foundation
import Testing

@testable import KioskCore

@Suite("AnswerValue")
struct AnswerValueTests {
    @Test(
        "encodes as a JSON string or an array of strings and decodes back",
        arguments: [
            (AnswerValue.single("male"), #""male""#),
            (AnswerValue.multiple(["A", "BE"]), #"["A","BE"]"#),
            (AnswerValue.multiple([]), "[]"),
        ])
    func json(value: AnswerValue, json: String) throws {
        #expect(String(decoding: try JSONEncoder().encode(value), as: UTF8.self) == json)
        #expect(try JSONDecoder().decode(AnswerValue.self, from: Data(json.utf8)) == value)
    }

    @Test("a JSON number is not an answer")
    func rejectsNumber() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AnswerValue.self, from: Data("42".utf8)) }
    }

    @Test("values and single")
    func accessors() {
        #expect(AnswerValue.single("x").values == ["x"])
        #expect(AnswerValue.single("x").single == "x")
        #expect(AnswerValue.multiple(["a", "b"]).values == ["a", "b"])
        #expect(AnswerValue.multiple(["a"]).single == nil)
    }
}
