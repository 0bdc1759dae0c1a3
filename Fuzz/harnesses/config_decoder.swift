// libFuzzer harness: the strict decoder of the data folder's config.json (KioskApp.KioskConfig),
// compiled from Sources/KioskApp/Config into this module (see Fuzz/build.sh).
//
// Bytes are decoded as the kiosk does, with no environment overrides. They must be refused
// with a SetupError or accepted; an accepted configuration must encode and decode back to
// itself, so what the operator wrote is what every later reader gets.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size <= 1 << 16 else { return 0 }
    let bytes = Data(bytes: data, count: size)
    guard let config = try? KioskConfig.decode(bytes, file: "config.json", environment: [:]) else { return 0 }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let encoded: Data
    do {
        encoded = try encoder.encode(config)
    } catch {
        fatalError("an accepted configuration cannot be encoded: \(error)")
    }
    let again: KioskConfig
    do {
        again = try KioskConfig.decode(encoded, file: "config.json", environment: [:])
    } catch {
        fatalError("an accepted configuration, encoded, is refused: \(error)")
    }
    if again != config {
        fatalError("an accepted configuration does not decode back to itself after encoding")
    }
    return 0
}
