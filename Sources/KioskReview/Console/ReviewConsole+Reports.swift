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
                localized(
                    .usage,
                    ["usage": "list [\(ApplicationState.allCases.map(\.rawValue).joined(separator: "|"))|all] [PAGE]"])
            ])
        }
        return try listPage(states: states, name: name, page: page)
    }

    func more() throws -> ConsoleReply {
        guard let last = lastList else { return reply([localized(.nothingToContinue)]) }
        return try listPage(states: last.states, name: last.name, page: last.page + 1)
    }

    private func listPage(states: [ApplicationState]?, name: String, page: Int) throws -> ConsoleReply {
        let size = settings.pageSize
        let result = try database.review.list(states: states, limit: size, offset: (page - 1) * size)
        try audit(.list, detail: "\(name) page \(page)")
        lastList = (states, name, page)
        guard result.total > 0 else { return reply([localized(.noApplications, ["name": name])]) }
        let pages = (result.total + size - 1) / size
        guard page <= pages else {
            return reply([
                localized(
                    .pageCount,
                    [
                        "pages": "\(pages)", "pages_phrase": pages == 1 ? "is 1 page" : "are \(pages) pages",
                        "name": name,
                    ])
            ])
        }
        let twins = try database.review.sameNationalNumber(as: result.items.map(\.reference))
        var lines = [listHeader] + result.items.map { listRow($0, twins: twins[$0.reference]?.count ?? 0) }
        if !twins.isEmpty { lines.append(localized(.twinLegend)) }
        lines.append(
            localized(
                page < pages ? .pageLineMore : .pageLine,
                [
                    "page": "\(page)", "pages": "\(pages)", "total": "\(result.total)",
                    "applications": Self.count(result.total, "application"), "name": name,
                ]))
        return reply(lines)
    }

    var listHeader: String {
        ReviewScreen.row([
            (localized(.columnReference), 20), (localized(.columnSubmitted), 16), (localized(.columnName), 22),
            (localized(.columnState), 10), (localized(.columnSame), 4),
        ])
    }

    /// "1 application", "45 applications": for the English texts.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    func listRow(_ item: ReviewListItem, twins: Int) -> String {
        let name =
            item.purgedAt != nil
            ? localized(.purgedName)
            : TerminalText.escape([item.surname, item.givenName].compactMap { $0 }.joined(separator: " "))
        return ReviewScreen.row([
            (TerminalText.escape(item.reference), 20), (time.minute(item.submittedAt), 16), (name, 22),
            (item.state.rawValue, 10), (twins > 0 ? "+\(twins)" : "", 4),
        ])
    }

    func search(_ text: String) throws -> ConsoleReply {
        let query = text.trimmingCharacters(in: .whitespaces)
        guard query.count >= 2 else {
            return reply([localized(.searchUsage)])
        }
        let isNumber = query.allSatisfy { $0.isASCII && $0.isNumber }
        let (shown, total) = try database.review.search(
            ReviewStore.SearchQuery(
                surnamePrefix: Self.fold(query), referencePrefix: query.uppercased(),
                serial: isNumber && query.count == 6 ? Int(query) : nil, nationalNumber: isNumber ? query : nil),
            limit: 50)
        // The search text may be a surname or a national number: only the count is audited.
        try audit(.search, detail: "\(total) found")
        guard !shown.isEmpty else { return reply([localized(.nothingFound)]) }
        let twins = try database.review.sameNationalNumber(as: shown.map(\.item.reference))
        var lines = [listHeader] + shown.map { listRow($0.item, twins: twins[$0.item.reference]?.count ?? 0) }
        if !twins.isEmpty { lines.append(localized(.twinLegend)) }
        lines.append(
            total > shown.count
                ? localized(.foundSome, ["count": "\(total)", "shown": "\(shown.count)"])
                : localized(.found, ["count": "\(total)"]))
        return reply(lines)
    }

    /// Case- and accent-insensitive form of a name, so `шевченко` finds `Шевченко`.
    static func fold(_ text: String) -> String { ReviewStore.searchKey(text) }

    func show(_ text: String) throws -> ConsoleReply {
        let reference: String
        switch self.reference(in: text, usage: "show REF") {
        case .failure(let message): return reply(["! " + message.text])
        case .success(let (found, _)): reference = found
        }
        guard let application = try database.applications.find(reference: reference) else {
            try audit(.show, reference: reference, detail: "not found")
            return reply([localized(.noApplication, ["reference": reference])])
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
                (localized(.statsApplications), 20), (ReviewScreen.right(localized(.statsToday), 16), 16),
                (ReviewScreen.right(localized(.statsAll), 8), 8),
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
                ("  " + localized(.statsTotal), 20), (ReviewScreen.right("\(today)", 16), 16),
                (ReviewScreen.right("\(total)", 8), 8),
            ]))
        let decisions = statistics.recentDecisions
        lines.append(
            localized(
                .statsDecided,
                [
                    "approved": "\(decisions[.approve] ?? 0)", "rejected": "\(decisions[.reject] ?? 0)",
                    "issues": "\(decisions[.issue] ?? 0)", "edits": "\(decisions[.edit] ?? 0)",
                    "notes": "\(decisions[.note] ?? 0)",
                ]))
        lines += ["", localized(.statsPerDay, ["days": "\(days)"])]
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
        var lines = [localized(.outboxApproved, ["count": "\(summary.approvedNotBatched)"])]
        lines.append(localized(.outboxWaiting, ["count": "\(summary.waiting.count)"]))
        for batch in summary.waiting.prefix(20) {
            lines.append(
                localized(
                    .outboxBatch,
                    [
                        "sequence": "\(batch.sequence)", "sealed": time.minute(batch.createdAt),
                        "count": "\(batch.count)",
                        "applications": Self.count(batch.count, "application"),
                    ]))
        }
        if summary.waiting.count > 20 {
            lines.append(localized(.outboxMore, ["count": "\(summary.waiting.count - 20)"]))
        }
        lines.append(
            localized(.outboxDelivered, ["count": "\(summary.deliveredBatches)"])
                + (summary.lastDeliveredAt.map { localized(.outboxLastReceipt, ["time": time.minute($0)]) } ?? ""))
        if let error = summary.lastError {
            lines.append(localized(.outboxLastError, ["error": TerminalText.escape(ReviewScreen.cut(error, 300))]))
        } else {
            lines.append(localized(.outboxNoError))
        }
        return reply(lines)
    }
}
