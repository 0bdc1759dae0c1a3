// libFuzzer harness: the strict decoder of a batch's manifest.json (KioskBatch.BatchManifest),
// which kiosk-hq runs on every uploaded batch before it checks the signature.
//
// Bytes are decoded; a manifest that decodes must also validate, be byte for byte its own
// canonical encoding, and decode back to the same manifest.
import Foundation
import KioskBatch

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatchManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size <= 1 << 16 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let manifest = try? BatchManifest.decode(bytes) else { return 0 }
    do {
        try manifest.validate()
    } catch {
        fatalError("decode accepted a manifest that validate refuses: \(error)")
    }
    let encoded = manifest.encoded()
    guard encoded == bytes, (try? BatchManifest.decode(encoded)) == manifest else {
        fatalError("an accepted manifest does not round-trip through its canonical encoding")
    }
    return 0
}
