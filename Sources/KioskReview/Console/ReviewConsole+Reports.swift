import Foundation
import KioskCore
import KioskStore
import KioskTerminal

// MARK: - Reading: list, search, show, stats, outbox

extension ReviewConsole {
    func list(_ arguments: [String]) throws -> ConsoleReply {
        var name = "submitted"
        var page = 1
        for argument in arguments {
            if let number = Int(argument), number >= 1 {
                page = number
            } else {
                name = argument.lowercased()
            }
        }
        let states: [ApplicationState]?
        if name == "all" {
            states = nil
        } else if let state = ApplicationState(rawValue: name) {
            states = [state]
        } else {
            return reply([
                "Usage: list [\(ApplicationState.allCases.map(\.rawValue).joined(separator: "|"))|all] [PAGE]"
            ])
        }
        return try listPage(states: states, name: name, page: page)
    }

    func more() throws -> ConsoleReply {
        guard let last = lastList else { return reply(["Nothing to continue: type list first."]) }
        return try listPage(states: last.states, name: last.name, page: last.page + 1)
    }

    private func listPage(states: [ApplicationState]?, name: String, page: Int) throws -> ConsoleReply {
        let size = settings.pageSize
        let result = try database.review.list(states: states, limit: size, offset: (page - 1) * size)
        try audit(.list, detail: "\(name) page \(page)")
        lastList = (states, name, page)
        guard result.total > 0 else { return reply(["No applications (\(name))."]) }
        let pages = (result.total + size - 1) / size
        guard page <= pages else {
            return reply(["There \(pages == 1 ? "is 1 page" : "are \(pages) pages") (\(name))."])
        }
        let twins = try database.review.sameNationalNumber(as: result.items.map(\.reference))
        var lines = [Self.listHeader] + result.items.map { listRow($0, twins: twins[$0.reference]?.count ?? 0) }
        if !twins.isEmpty { lines.append(Self.twinLegend) }
        lines.append(
            "Page \(page) of \(pages), \(result.total) application\(result.total == 1 ? "" : "s") (\(name))"
                + (page < pages ? "; type more for the next page." : "."))
        return reply(lines)
    }

    static let listHeader = ReviewScreen.row([
        ("Reference", 20), ("Submitted", 16), ("Name", 22), ("State", 10), ("Same", 4),
    ])
    package static let twinLegend = "Same +N: N other applications held here with this RNOKPP or personal code."

    func listRow(_ item: ReviewListItem, twins: Int) -> String {
        let name =
            item.purgedAt != nil
            ? "(personal data purged)"
            : TerminalText.escape([item.surname, item.givenName].compactMap { $0 }.joined(separator: " "))
        return ReviewScreen.row([
            (TerminalText.escape(item.reference), 20), (time.minute(item.submittedAt), 16), (name, 22),
            (item.state.rawValue, 10), (twins > 0 ? "+\(twins)" : "", 4),
        ])
    }

    func search(_ text: String) throws -> ConsoleReply {
        let query = text.trimmingCharacters(in: .whitespaces)
        guard query.count >= 2 else {
            return reply(["Usage: search TEXT (a reference, a surname or an RNOKPP, at least 2 characters)"])
        }
        let folded = Self.fold(query)
        let upper = query.uppercased()
        let isNumber = query.allSatisfy { $0.isASCII && $0.isNumber }
        let matches = try database.review.searchRows().filter { row in
            row.item.reference.contains(upper)
                || (row.item.surname.map { Self.fold($0).hasPrefix(folded) } ?? false)
                || (isNumber && row.nationalNumbers.contains(query))
        }
        // The search text may be a surname or a national number: only the count is audited.
        try audit(.search, detail: "\(matches.count) found")
        guard !matches.isEmpty else { return reply(["Nothing found."]) }
        let shown = matches.prefix(50)
        let twins = try database.review.sameNationalNumber(as: shown.map(\.item.reference))
        var lines = [Self.listHeader] + shown.map { listRow($0.item, twins: twins[$0.item.reference]?.count ?? 0) }
        if !twins.isEmpty { lines.append(Self.twinLegend) }
        lines.append(
            matches.count > shown.count
                ? "\(matches.count) found; the newest \(shown.count) are shown. Type more of the name or the number."
                : "\(matches.count) found.")
        return reply(lines)
    }

    /// Case- and accent-insensitive form of a name, so `шевченко` finds `Шевченко`.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    func show(_ text: String) throws -> ConsoleReply {
        let reference: String
        switch self.reference(in: text, usage: "show REF") {
        case .failure(let message): return reply(["! " + message.text])
        case .success(let (found, _)): reference = found
        }
        guard let application = try database.applications.find(reference: reference) else {
            try audit(.show, reference: reference, detail: "not found")
            return reply(["No application \(reference)."])
        }
        try audit(.show, reference: reference)
        let history = try application.id.map { try database.review.history(applicationID: $0) } ?? []
        let twins = try database.review.sameNationalNumber(as: [reference])[reference] ?? []
        return reply(ApplicationSheet(console: self, application: application, history: history, twins: twins).lines)
    }

    func stats() throws -> ConsoleReply {
        let now = clock.now
        let days = 14
        let todayStart = time.startOfDay(now)
        let windowStart = time.startOfDay(now, minus: days - 1)
        let statistics = try database.review.statistics(windowStart: windowStart, todayStart: todayStart)
        var lines = [
            ReviewScreen.row([
                ("Applications", 20), (ReviewScreen.right("submitted today", 16), 16),
                (ReviewScreen.right("all", 8), 8),
            ])
        ]
        for state in ApplicationState.allCases {
            lines.append(
                ReviewScreen.row([
                    ("  " + state.rawValue, 20),
                    (ReviewScreen.right("\(statistics.recentByState[state] ?? 0)", 16), 16),
                    (ReviewScreen.right("\(statistics.totals[state] ?? 0)", 8), 8),
                ]))
        }
        let total = statistics.totals.values.reduce(0, +)
        let today = statistics.recentByState.values.reduce(0, +)
        lines.append(
            ReviewScreen.row([
                ("  total", 20), (ReviewScreen.right("\(today)", 16), 16), (ReviewScreen.right("\(total)", 8), 8),
            ]))
        let decisions = statistics.recentDecisions
        lines.append(
            "Decided today: \(decisions[.approve] ?? 0) approved, \(decisions[.reject] ?? 0) rejected, "
                + "\(decisions[.issue] ?? 0) issues, \(decisions[.edit] ?? 0) edits, \(decisions[.note] ?? 0) notes.")
        lines += ["", "Submitted per day, last \(days) days:"]
        var counts = [Int](repeating: 0, count: days)
        for date in statistics.submissions {
            let day = time.calendar.dateComponents([.day], from: windowStart, to: time.startOfDay(date)).day ?? -1
            if counts.indices.contains(day) { counts[day] += 1 }
        }
        let labels = (0..<days).map { time.monthDay(time.startOfDay(now, minus: days - 1 - $0)) }
        lines += ReviewScreen.barChart(zip(labels, counts).map { (label: "  " + $0, count: $1) })
        return reply(lines)
    }

    func outbox() throws -> ConsoleReply {
        let summary = try database.review.outbox()
        var lines = ["Approved, not yet sealed into a batch: \(summary.approvedNotBatched)"]
        lines.append("Batches waiting for headquarters: \(summary.waiting.count)")
        for batch in summary.waiting.prefix(20) {
            lines.append(
                "  batch \(batch.sequence)  sealed \(time.minute(batch.createdAt))  \(batch.count) application\(batch.count == 1 ? "" : "s")"
            )
        }
        if summary.waiting.count > 20 { lines.append("  … and \(summary.waiting.count - 20) more") }
        lines.append(
            "Delivered batches: \(summary.deliveredBatches)"
                + (summary.lastDeliveredAt.map { " (last receipt \(time.minute($0)))" } ?? ""))
        if let error = summary.lastError {
            lines.append("Last upload error: \(TerminalText.escape(ReviewScreen.cut(error, 300)))")
        } else {
            lines.append("No upload error recorded.")
        }
        return reply(lines)
    }
}
