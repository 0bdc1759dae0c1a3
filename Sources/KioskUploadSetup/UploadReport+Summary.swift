import KioskUpload

extension Uploader.Report {
    /// The run's last line: what was delivered, what still waits, and why, with the exit code.
    package var summary: String {
        let count = delivered.count
        switch outcome {
        case .nothingToDo:
            return "nothing to upload: the outbox is empty"
        case .delivered:
            return "all delivered: \(count) batch\(count == 1 ? "" : "es") "
                + "(\(UploadText.applications(delivered.reduce(0) { $0 + $1.applications })))"
        case .unreachable:
            return
                "\(remaining) batch\(remaining == 1 ? "" : "es") still waiting (\(count) delivered now): "
                + "headquarters unreachable or failing; the next run retries (exit 75)"
        case .operatorAction:
            return
                "\(remaining) batch\(remaining == 1 ? "" : "es") still waiting (\(count) delivered now): "
                + "an operator must act: \(failure?.message ?? "see above") (exit 1)"
        }
    }
}
