import KioskCrypto
import KioskSupport
import Testing

/// Decodes hex that a test wrote by hand; a typo fails the test instead of crashing it.
func bytes(hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    try #require(Hex.decode(hex), "bad hex in test: \(hex)", sourceLocation: sourceLocation)
}
