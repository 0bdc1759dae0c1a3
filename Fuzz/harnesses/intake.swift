// libFuzzer harness: headquarters' intake checks on an upload (KioskHQ.IntakeChecks, compiled
// from Sources/KioskHQ/Intake into this module; see Fuzz/build.sh), the code the PUT route
// runs on untrusted input, in its order, without the server or the database.
//
// The input's first line is the sequence text of the path `/v1/centers/DEMO01/batches/{sequence}`,
// the rest is the body, written to a file as the route does. The center DEMO01 is registered
// with the key that signed the seeds in Fuzz/corpus/batch_archive (batches 1 and 2); batch 1 is
// the one stored before batch 2. Properties: a refusal of any input is a client error (4xx,
// never 500 `storage`: the body's file is always readable); the signature check passes only for
// a manifest that key signed; and a batch passes only if it is that signed manifest's batch at
// the sequence of the path, with the chain the stored batch gives.
//
// Intake refuses clear (kiosk-batch/1) batches before it reads them; the seeds are clear
// batches, so the reader and verifier step (`examine`) also runs after a `checkSealed` refusal,
// to reach it with this corpus.
import Foundation
import Glibc
import KioskBatch
import KioskCrypto

private let center = "DEMO01"

private let key: Ed25519PublicKey = {
    let pem = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAntZxmrNxeEOxzhYO52B9r0yJiLMQ7VhuyTXlsDQ5aS8=
        -----END PUBLIC KEY-----

        """
    do { return try Ed25519PublicKey(pemRepresentation: pem) } catch { fatalError("seed key: \(error)") }
}()

/// SHA-256 of the manifests of batch 1 and batch 2 that key signed.
private let batch1 = "0a75479a319914fe856f06067aed1ef52e4da7d3b7a473816d20e884c69f6815"
private let batch2 = "1e3f4a793ddec45084a18083260921064484ef04e65d0efc48ed2932b8991a26"

/// A sealing key fingerprint headquarters holds (none of the clear seeds names one).
private let sealingFingerprints = [String(repeating: "5", count: 64)]

private let limits: BatchReader.Limits = {
    var limits = BatchReader.Limits()
    limits.maxManifestBytes = 1 << 16
    limits.maxRecordsBytes = 1 << 20
    limits.maxRecordLineBytes = 1 << 12
    limits.maxTrailingPaddingBytes = 1 << 14
    return limits
}()

private let path: String = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(directory)/kiosk-fuzz-intake-\(getpid()).tar"
}()

/// Batch 1 as headquarters keeps it after accepting it: the chain batch 2 must follow.
private let stored: BatchContents = {
    let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus/intake/batch-1")
    do {
        let bytes = try Data(contentsOf: seed)
        guard let newline = bytes.firstIndex(of: 0x0A) else { fatalError("\(seed.path): no first line") }
        try bytes[(newline + 1)...].write(to: URL(fileURLWithPath: path))
        let contents = try BatchReader.read(path: path, limits: limits)
        guard contents.manifestSHA256 == batch1 else { fatalError("\(seed.path) is not batch 1") }
        return contents
    } catch {
        fatalError("cannot read \(seed.path): \(error)")
    }
}()

private func refused(_ error: IntakeError, _ step: String) {
    guard (400..<500).contains(error.status) else {
        fatalError("\(step): hostile input answered with \(error.status) \(error.code.rawValue): \(error.message)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIntake(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = stored
    let input = UnsafeBufferPointer(start: data, count: size)
    let newline = input.prefix(32).firstIndex(of: 0x0A)
    let text = newline.map { String(decoding: input[..<$0], as: UTF8.self) }
    let body = UnsafeBufferPointer(rebasing: newline.map { input[($0 + 1)...] } ?? input[...])

    let sequence: Int
    do {
        sequence = try IntakeChecks.sequence(inPath: text)
    } catch {
        refused(error, "the path's sequence")
        return 0
    }
    guard let text, Int(text) == sequence, sequence >= 1 else {
        fatalError("the path's sequence \(String(describing: text)) was read as \(sequence)")
    }

    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fatalError("cannot write \(path)") }
    var offset = 0
    while offset < body.count {
        guard let base = body.baseAddress else { break }
        let written = write(descriptor, base + offset, body.count - offset)
        guard written > 0 else { fatalError("cannot write \(path)") }
        offset += written
    }
    close(descriptor)

    let manifest: [UInt8]
    do {
        manifest = try IntakeChecks.authenticate(
            path: path, key: key, center: center, sequence: sequence, limits: limits)
    } catch {
        refused(error, "authenticate")
        return 0
    }
    let digest = SHA256.hash(manifest).hex
    guard digest == batch1 || digest == batch2 else {
        fatalError("authenticate passed a manifest the center's key did not sign: \(digest)")
    }
    do {
        try IntakeChecks.checkSealed(
            manifest, center: center, sequence: sequence, sealingFingerprints: sealingFingerprints)
    } catch {
        refused(error, "checkSealed")
    }
    let previous = sequence > 1 ? stored : nil
    let contents: BatchContents
    do {
        contents = try IntakeChecks.examine(
            path: path, key: key, center: center, sequence: sequence, expected: sequence, previous: previous,
            limits: limits)
    } catch {
        refused(error, "examine")
        return 0
    }
    let expected = sequence == 1 ? batch1 : batch2
    guard contents.manifestSHA256 == expected, sequence <= 2 else {
        fatalError("batch \(contents.manifest.sequence) \(contents.manifestSHA256) passed as batch \(sequence)")
    }
    return 0
}
