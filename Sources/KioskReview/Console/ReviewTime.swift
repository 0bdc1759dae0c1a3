import Foundation

/// Dates as the console prints them: local time, to the minute, `2026-11-27 14:05`.
package struct ReviewTime: Sendable {
    package let calendar: Calendar

    package init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    package func minute(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(day(c)) \(Self.two(c.hour ?? 0)):\(Self.two(c.minute ?? 0))"
    }

    package func day(_ date: Date) -> String {
        day(calendar.dateComponents([.year, .month, .day], from: date))
    }

    /// `11-27`, for chart labels.
    package func monthDay(_ date: Date) -> String {
        let c = calendar.dateComponents([.month, .day], from: date)
        return "\(Self.two(c.month ?? 0))-\(Self.two(c.day ?? 0))"
    }

    package func startOfDay(_ date: Date) -> Date {
        calendar.startOfDay(for: date)
    }

    /// The start of the day `days` days before the day of `date`.
    package func startOfDay(_ date: Date, minus days: Int) -> Date {
        calendar.date(byAdding: .day, value: -days, to: startOfDay(date)) ?? startOfDay(date)
    }

    private func day(_ c: DateComponents) -> String {
        "\(c.year ?? 0)-\(Self.two(c.month ?? 0))-\(Self.two(c.day ?? 0))"
    }

    private static func two(_ number: Int) -> String {
        number < 10 ? "0\(number)" : "\(number)"
    }
}
