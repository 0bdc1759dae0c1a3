import Foundation
import KioskSupport
import Prometheus

/// What `GET /metrics` shows, in Prometheus' text format.
///
/// The counters are this instance's (Prometheus sums them over instances); the records total
/// and each center's last accepted batch come from the store at every scrape, so every
/// instance reports the same fleet-wide values. Labels name center codes and refusal reasons,
/// never a record.
public final class HQMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let accepted: Counter
    private let alarms: Counter
    private let records: Gauge

    /// `kiosk_hq_NAME_UNIT`.
    static func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "kiosk_hq", metricName: name, unitName: unit, helpText: help)
    }

    static var refused: MetricNameDescriptor {
        name("batches_refused", "total", "Batch uploads refused, by reason (the problem's error code).")
    }
    static var lastBatch: MetricNameDescriptor {
        name(
            "center_last_batch_timestamp", "seconds",
            "When the center's last batch was accepted (Unix time); alert on a silent center.")
    }

    public init() {
        accepted = registry.makeCounter(
            descriptor: Self.name("batches_accepted", "total", "Batches accepted and stored (201) by this instance."))
        alarms = registry.makeCounter(
            descriptor: Self.name(
                "alarms", "total",
                "Alarms: a sequence uploaded again with other bytes, a broken chain, a repeated application, an audit log cut or rewritten."
            ))
        records = registry.makeGauge(
            descriptor: Self.name("records", "total", "Applications (records) headquarters holds, all centers."))
    }

    /// A batch was stored.
    func countAccepted() {
        accepted.increment()
    }

    /// An upload was refused for `error`; conflicts and broken chains are alarms too.
    func countRefused(_ error: IntakeError) {
        registry.makeCounter(descriptor: Self.refused, labels: [("reason", error.code.rawValue)]).increment()
        if [.conflict, .brokenChain, .auditRewound].contains(error.code) {
            alarms.increment()
        }
    }

    /// The exposition, with the store's figures read now.
    func render(store: any HQStore) async throws -> [UInt8] {
        let centers = try await store.centerSummaries()
        records.set(Double(centers.reduce(0) { $0 + $1.records }))
        for center in centers {
            guard let received = center.lastReceivedAt.flatMap(RFC3339.parse) else { continue }
            registry.makeGauge(descriptor: Self.lastBatch, labels: [("center", center.code)])
                .set(received.timeIntervalSince1970)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
