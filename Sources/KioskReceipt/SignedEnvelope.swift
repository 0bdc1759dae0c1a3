import Foundation

/// The JSON envelope headquarters signs documents in: `{"<name>":"<base64>","signature":"<base64>"}`
/// and a newline. Receipts and unit catalogs share it, so both are read the same strict way.
enum SignedEnvelope {
    /// The envelope's bytes for a document's exact bytes and its signature.
    static func body(name: String, bytes: [UInt8], signature: [UInt8]) -> [UInt8] {
        Array(
            (#"{"\#(name)":"\#(Data(bytes).base64EncodedString())","signature":"\#(Data(signature).base64EncodedString())"}"#
                + "\n").utf8)
    }

    /// The document's bytes and signature; refuses anything but an object with exactly the two base64 strings.
    static func parse(
        _ wireBody: [UInt8], name: String, what: String, maxBytes: Int
    ) throws(ReceiptError) -> (bytes: [UInt8], signature: [UInt8]) {
        guard wireBody.count <= maxBytes else {
            throw ReceiptError("the answer is \(wireBody.count) bytes, too big for \(what)")
        }
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(wireBody)) as? [String: Any],
            Set(object.keys) == [name, "signature"],
            let document = (object[name] as? String).flatMap({ Data(base64Encoded: $0) }),
            let signature = (object["signature"] as? String).flatMap({ Data(base64Encoded: $0) })
        else {
            throw ReceiptError(
                "the answer is not \(what) (a JSON object with base64 \"\(name)\" and \"signature\")")
        }
        return ([UInt8](document), [UInt8](signature))
    }
}
