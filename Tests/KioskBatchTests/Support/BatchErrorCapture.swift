import Testing

@testable import KioskBatch

/// Runs `body` and returns the BatchError it threw, or nil if it did not throw; any other error
/// fails the test, because every failure of the batch library must be a BatchError.
func batchError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> BatchError? {
    do {
        try body()
        return nil
    } catch let error as BatchError {
        return error
    } catch {
        Issue.record("expected a BatchError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
