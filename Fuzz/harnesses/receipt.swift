// libFuzzer harness: the receipt parsers that `kiosk upload` runs on headquarters' answers
// (KioskReceipt.SignedReceipt(wireBody:), SignedReceipt.verified(with:), Receipt.decode, and
// IntakeProblem(wireBody:) for refusals).
//
// Properties: receipt bytes that decode are exactly their canonical encoding and decode back to
// the same receipt; an envelope that parses round-trips through wireBody(); and with the key
// that signed the seed, only the seed's own bytes and signature verify: a mutated signed
// receipt never does.
import Foundation
import KioskCrypto
import KioskReceipt

/// A test key made for this corpus (no secret): its private half signed Fuzz/corpus/receipt/signed-wire-body.
private let key: Ed25519PublicKey = {
    let pem = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAAWfnjX+1w2o/95r67zyjmb45xX34bZHVI/AKhJCu1DM=
        -----END PUBLIC KEY-----

        """
    do { return try Ed25519PublicKey(pemRepresentation: pem) } catch { fatalError("seed key: \(error)") }
}()

/// The one receipt that key signed, as in the seed.
private let seed: SignedReceipt = {
    let receipt =
        "eyJjZW50ZXIiOiJERU1PMDEiLCJmb3JtYXQiOiJraW9zay1yZWNlaXB0LzEiLCJrZXlfZmluZ2VycHJpbnQiOiJkODZkMTYwNWI4YmFk"
        + "NzQ3Y2YwMWRhNmY0ZTUxZjJjODY1MmQ5M2NkMmNmOThiZTBiMWQ0ZTQ4ZWIzNGUyM2JlIiwibWFuaWZlc3Rfc2hhMjU2IjoiMGE3NTQ3"
        + "OWEzMTk5MTRmZTg1NmYwNjA2N2FlZDFlZjUyZTRkYTdkM2I3YTQ3MzgxNmQyMGU4ODRjNjlmNjgxNSIsInJlY2VpdmVkX2F0IjoiMjAy"
        + "Ni0xMS0yN1QyMTo0NTowMFoiLCJzZXF1ZW5jZSI6MX0K"
    let signature = "HRbHNYVDPUm82LHcQx9AjlKFa8FTxXnFCzm/mybj8kAsv8FUBw7GP2kXrg8p75vuSeei08HX62G9zNzuZcwtDg=="
    guard let bytes = Data(base64Encoded: receipt), let signature = Data(base64Encoded: signature) else {
        fatalError("seed receipt: not base64")
    }
    let signed = SignedReceipt(bytes: [UInt8](bytes), signature: [UInt8](signature))
    guard (try? signed.verified(with: key)) != nil else { fatalError("the seed receipt does not verify") }
    return signed
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReceipt(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size <= 1 << 15 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    if let receipt = try? Receipt.decode(bytes) {
        guard receipt.encoded() == bytes, (try? Receipt.decode(receipt.encoded())) == receipt else {
            fatalError("an accepted receipt does not round-trip through its canonical encoding")
        }
    }

    if let signed = try? SignedReceipt(wireBody: bytes) {
        guard (try? SignedReceipt(wireBody: signed.wireBody())) == signed else {
            fatalError("a parsed receipt envelope does not parse back from its own wireBody()")
        }
        if let receipt = try? signed.verified(with: key) {
            guard signed == seed else {
                fatalError("a mutated signed receipt verifies: \(receipt.center) batch \(receipt.sequence)")
            }
        }
    }

    if let problem = IntakeProblem(wireBody: bytes), IntakeProblem(wireBody: problem.wireBody()) != problem {
        fatalError("an intake problem does not round-trip through wireBody()")
    }
    return 0
}
