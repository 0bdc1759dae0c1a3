// libFuzzer harness: the strict batch reader that kiosk-hq runs on every uploaded body
// (KioskBatch.BatchReader, then BatchVerifier), on hostile bytes.
//
// The input is written to a file and read as an archive with small limits, as kiosk-hq does
// with a body on disk. It must be refused with a BatchError or accepted. What is accepted must
// have a valid manifest, and the verifier must hold its property: with the key that signed the
// seed corpus, an archive verifies only if its signed manifest is one of the seeds' (a mutation
// may change padding, never what is signed), and no batch verifies as its own successor.
// Memory is bounded by the reader's limits (libFuzzer's -rss_limit_mb and -malloc_limit_mb
// check it).
import Foundation
import Glibc
import KioskBatch
import KioskCrypto

/// The demo key that signed the seeds in Fuzz/corpus/batch_archive (a test key, no secret).
private let key: Ed25519PublicKey = {
    let pem = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAntZxmrNxeEOxzhYO52B9r0yJiLMQ7VhuyTXlsDQ5aS8=
        -----END PUBLIC KEY-----

        """
    do { return try Ed25519PublicKey(pemRepresentation: pem) } catch { fatalError("seed key: \(error)") }
}()

/// SHA-256 of the two manifests that key signed, in the seeds of Fuzz/corpus/batch_archive
/// (the other seeds are damaged copies of them). Nothing else may verify.
private let signedManifests: Set<String> = [
    "0a75479a319914fe856f06067aed1ef52e4da7d3b7a473816d20e884c69f6815",
    "1e3f4a793ddec45084a18083260921064484ef04e65d0efc48ed2932b8991a26",
]

private let path: String = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(directory)/kiosk-fuzz-batch-\(getpid()).tar"
}()

private let limits: BatchReader.Limits = {
    var limits = BatchReader.Limits()
    limits.maxManifestBytes = 1 << 16
    limits.maxRecordsBytes = 1 << 20
    limits.maxRecordLineBytes = 1 << 12
    limits.maxTrailingPaddingBytes = 1 << 14
    return limits
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatchArchive(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fatalError("cannot write \(path)") }
    var offset = 0
    while offset < size {
        let written = write(descriptor, data + offset, size - offset)
        guard written > 0 else { fatalError("cannot write \(path)") }
        offset += written
    }
    close(descriptor)
    guard let contents = try? BatchReader.read(path: path, limits: limits) else { return 0 }
    if contents.recordCount != contents.recordReferences.count {
        fatalError("read \(contents.recordCount) records but \(contents.recordReferences.count) references")
    }
    do {
        try contents.manifest.validate()
    } catch {
        fatalError("the reader accepted a manifest that validate refuses: \(error)")
    }
    if (try? BatchVerifier.verify(contents, key: key, previous: nil)) != nil,
        !signedManifests.contains(contents.manifestSHA256)
    {
        fatalError("a mutated archive verifies: manifest \(contents.manifestSHA256) is not one the seed key signed")
    }
    if (try? BatchVerifier.verify(contents, key: key, previous: contents)) != nil {
        fatalError("batch \(contents.manifest.sequence) verifies as the successor of itself")
    }
    return 0
}
