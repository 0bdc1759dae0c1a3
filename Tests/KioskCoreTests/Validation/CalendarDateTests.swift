import Foundation
import KioskCore
import Testing

@Suite("CalendarDate")
struct CalendarDateTests {
    // MARK: - Construction

    @Test(
        "real calendar days are accepted",
        arguments: [
            (2000, 2, 29),  // leap: divisible by 400
            (2024, 2, 29),  // leap: divisible by 4
            (2023, 2, 28), (2023, 4, 30), (2023, 12, 31),
            (1800, 1, 1), (9999, 12, 31),  // the supported range's ends
        ])
    func realDays(year: Int, month: Int, day: Int) throws {
        // When the day is built
        let date = try #require(CalendarDate(year: year, month: month, day: day))
        // Then it keeps its parts
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test(
        "days that do not exist are refused",
        arguments: [
            (1900, 2, 29),  // not leap: divisible by 100, not by 400
            (2100, 2, 29), (2023, 2, 29), (2024, 2, 30),
            (2024, 4, 31), (2024, 13, 1), (2024, 0, 1), (2024, 1, 0), (2024, 1, 32),
            (1799, 12, 31), (10000, 1, 1),  // outside the supported years
        ])
    func impossibleDays(year: Int, month: Int, day: Int) {
        #expect(CalendarDate(year: year, month: month, day: day) == nil)
    }

    // MARK: - Parsing

    @Test(
        "both written forms parse to the same day",
        arguments: [
            ("2000-02-29", "2000-02-29"),
            ("29.02.2000", "2000-02-29"),
            ("1.2.2003", "2003-02-01"),
            ("01.2.2003", "2003-02-01"),
            ("  2024-05-07  ", "2024-05-07"),
            (" 7.5.2024 ", "2024-05-07"),
            ("31.12.1999", "1999-12-31"),
        ])
    func parsesBothForms(text: String, expected: String) throws {
        // When the text is parsed
        let date = try CalendarDate.parse(text)
        // Then it is the expected day
        #expect(date.description == expected)
    }

    @Test(
        "text of the wrong shape is a format error",
        arguments: [
            "", "   ", "2024/05/07", "2024-5-7", "24-05-07", "20240507", "07.05.24", "7-5-2024",
            "2024-05-07T10:00", "2024-05-0a", "123.05.2024", "07.05.2024.", "2024--05-07", "07.05.20245",
            "２０２４-05-07",  // full-width digits
            "today",
        ])
    func formatErrors(text: String) {
        #expect(throws: ValidationFailure(.dateFormat)) { try CalendarDate.parse(text) }
    }

    @Test(
        "well-shaped text naming no real day is an invalid-date error",
        arguments: [
            "2023-02-29", "1900-02-29", "29.02.1900", "2024-13-01", "31.04.2024", "00.01.2024", "0000-01-01",
            "1799-12-31",
        ])
    func invalidDates(text: String) {
        #expect(throws: ValidationFailure(.dateInvalid)) { try CalendarDate.parse(text) }
    }

    // MARK: - Text and coding

    @Test("description is zero-padded YYYY-MM-DD")
    func description() throws {
        let date = try #require(CalendarDate(year: 1800, month: 1, day: 5))
        #expect(date.description == "1800-01-05")
    }

    @Test("encodes as the single string YYYY-MM-DD and decodes back")
    func codableRoundTrip() throws {
        // Given a leap day
        let date = try #require(CalendarDate(year: 2000, month: 2, day: 29))
        // When it is encoded and decoded
        let data = try JSONEncoder().encode([date])
        let decoded = try JSONDecoder().decode([CalendarDate].self, from: data)
        // Then the JSON is a plain string and the day survives
        #expect(String(decoding: data, as: UTF8.self) == #"["2000-02-29"]"#)
        #expect(decoded == [date])
    }

    @Test(
        "decoding refuses anything but a real day as YYYY-MM-DD",
        arguments: ["29.02.2000", "2023-02-29", " 2000-02-29"])
    func decodingIsStrict(text: String) throws {
        let data = try JSONEncoder().encode([text])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: data) }
    }

    @Test("days order chronologically")
    func ordering() throws {
        let dates = try ["2000-01-01", "1999-12-31", "2000-02-29", "1999-01-31"].map(CalendarDate.parse)
        #expect(dates.sorted().map(\.description) == ["1999-01-31", "1999-12-31", "2000-01-01", "2000-02-29"])
    }

    // MARK: - Instants

    @Test(
        "an instant falls on the day of the kiosk's zone",
        arguments: [
            ("2024-03-01T22:30:00Z", 0, "2024-03-01"),
            ("2024-03-01T22:30:00Z", 3 * 3600, "2024-03-02"),  // UTC+3 is already the next day
            ("2024-03-01T02:30:00Z", -5 * 3600, "2024-02-29"),
            ("2024-02-29T23:59:59Z", 0, "2024-02-29"),
            ("2024-02-29T23:59:59Z", 1, "2024-03-01"),
        ])
    func dayOfInstant(instant: String, offset: Int, expected: String) throws {
        // Given an instant and a zone
        let date = try #require(ISO8601DateFormatter().date(from: instant))
        let zone = try #require(TimeZone(secondsFromGMT: offset))
        // When the calendar day is taken
        let day = CalendarDate(date: date, timeZone: zone)
        // Then it is the wall-calendar day in that zone
        #expect(day.description == expected)
    }

    // MARK: - Arithmetic

    @Test(
        "adding days crosses month, year and leap-day boundaries",
        arguments: [
            ("1899-12-31", 36525, "2000-01-01"),
            ("2024-02-28", 1, "2024-02-29"),
            ("2023-02-28", 1, "2023-03-01"),
            ("1900-02-28", 1, "1900-03-01"),
            ("2024-12-31", 1, "2025-01-01"),
            ("2000-01-01", -1, "1999-12-31"),
            ("2024-03-01", -1, "2024-02-29"),
            ("2024-05-07", 0, "2024-05-07"),
            ("1970-01-01", -62091, "1800-01-01"),
            ("1970-01-01", 2_932_896, "9999-12-31"),
        ])
    func addingDays(start: String, days: Int, expected: String) throws {
        #expect(try CalendarDate.parse(start).adding(days: days).description == expected)
    }

    @Test(
        "adding days past the supported years stops at their ends",
        arguments: [
            ("1800-01-01", -1, "1800-01-01"),
            ("9999-12-31", 1, "9999-12-31"),
            ("2000-01-01", Int.max, "9999-12-31"),
            ("2000-01-01", Int.min, "1800-01-01"),
        ])
    func addingDaysClamps(start: String, days: Int, expected: String) throws {
        #expect(try CalendarDate.parse(start).adding(days: days).description == expected)
    }

    @Test("adding days agrees with Foundation's Gregorian calendar from 1800 to 2200")
    func addingDaysMatchesFoundation() throws {
        // Given the Gregorian calendar in UTC and 1970-01-01
        let utc = try #require(TimeZone(secondsFromGMT: 0))
        let epoch = try #require(CalendarDate(year: 1970, month: 1, day: 1))
        // When stepping through every third day of four centuries
        for days in stride(from: -62091, through: 84_000, by: 3) {
            let instant = Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
            // Then the day arithmetic and Foundation name the same day
            #expect(epoch.adding(days: days) == CalendarDate(date: instant, timeZone: utc))
        }
    }

    // MARK: - Age

    @Test(
        "age counts full years, turning on the birthday",
        arguments: [
            ("2000-02-29", "2018-02-28", 17),  // leap-day births come of age on 1 March in common years
            ("2000-02-29", "2018-03-01", 18),
            ("2000-02-29", "2020-02-28", 19),
            ("2000-02-29", "2020-02-29", 20),
            ("2000-05-15", "2018-05-14", 17),
            ("2000-05-15", "2018-05-15", 18),
            ("2000-05-15", "2018-05-16", 18),
            ("2000-05-15", "2000-05-15", 0),
            ("1999-12-31", "2000-01-01", 0),
        ])
    func age(birth: String, today: String, expected: Int) throws {
        #expect(try CalendarDate.parse(birth).age(on: CalendarDate.parse(today)) == expected)
    }

    @Test(
        "age range checks are inclusive at the birthday boundary",
        arguments: [
            ("2006-05-15", nil),  // 18 today
            ("1963-05-16", nil),  // 60, turning 61 tomorrow
            ("2006-05-16", ValidationFailure(.ageTooYoung, ["min": "18"])),  // 18 tomorrow
            ("1963-05-15", ValidationFailure(.ageTooOld, ["max": "60"])),  // 61 today
            ("2024-05-16", ValidationFailure(.dateFuture)),
        ] as [(String, ValidationFailure?)])
    func checkAge(birth: String, expected: ValidationFailure?) throws {
        // Given a birth date and the kiosk's today
        let birthDate = try CalendarDate.parse(birth)
        let today = try CalendarDate.parse("2024-05-15")
        // When the 18...60 range is checked
        var failure: ValidationFailure?
        do throws(ValidationFailure) { try birthDate.checkAge(on: today, min: 18, max: 60) } catch { failure = error }
        // Then it passes or fails as expected
        #expect(failure == expected)
    }

    @Test("without bounds only a future birth date fails")
    func checkAgeWithoutBounds() throws {
        let today = try CalendarDate.parse("2024-05-15")
        try today.checkAge(on: today, min: nil, max: nil)
        try CalendarDate.parse("1900-01-01").checkAge(on: today, min: nil, max: nil)
        #expect(throws: ValidationFailure(.dateFuture)) {
            try today.adding(days: 1).checkAge(on: today, min: nil, max: nil)
        }
    }
}
