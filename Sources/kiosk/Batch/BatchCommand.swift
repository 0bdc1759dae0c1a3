import ArgumentParser
import Foundation
import KioskApp
import KioskBatch
import KioskCommandLine
import KioskCrypto
import KioskOutbox
import KioskUploadSetup

/// `kiosk batch`: seal approved applications into signed batches, and check batch files.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Create and verify signed batches.",
        subcommands: [Create.self, Verify.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal the approved applications into the next batch in DATA/outbox.",
            discussion: """
                The records are sealed to headquarters' sealing key (hq_sealing_key, or \
                --hq-seal-key): once the batch is on disk, only headquarters can read them, and their \
                answers are deleted from this kiosk (unless keep_plaintext_days keeps them a while). \
                Also finishes any batch an interruption left half done. Nothing approved: says so and \
                exits 0.
                """)

        @OptionGroup var data: DataOptions

        @OptionGroup var sealing: SealingOptions

        @Option(help: "The most applications in one batch.")
        var limit = 500

        func validate() throws {
            guard (1...1_000_000).contains(limit) else {
                throw ValidationError("--limit must be between 1 and 1000000")
            }
        }

        func run() async throws {
            KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
            let context = try data.context()
            let outbox = try context.outbox(
                sealingKey: sealing.hqSealKey, acceptSealingKey: sealing.acceptSealingKey)
            for file in try outbox.completePending() {
                print("completed \(file.lastPathComponent) (interrupted earlier)")
            }
            guard let (batch, file) = try outbox.createBatch(limit: limit) else {
                print("nothing to batch: no approved applications")
                return
            }
            print("created \(file.path): sequence \(batch.sequence), \(batch.count) applications")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a batch file: signature, records digest, count and chain.",
            discussion: """
                Exits 0 when the batch is intact, 1 with the exact problem otherwise. Without --key \
                the data folder's center public key is used.
                """)

        @OptionGroup var data: DataOptions

        @Argument(help: "The batch tar file.")
        var file: String

        @Option(help: ArgumentHelp("The center's public key (PEM).", valueName: "pem"))
        var key: String?

        @Option(help: ArgumentHelp("The previous batch file, to check the chain.", valueName: "file"))
        var previous: String?

        func run() async throws {
            let publicKey: Ed25519PublicKey
            if let key {
                publicKey = try Ed25519PublicKey(pemRepresentation: String(contentsOfFile: key, encoding: .utf8))
            } else {
                publicKey = try data.context().folder.centerKey.load().publicKey
            }
            let contents = try BatchReader.read(path: file)
            let previousContents = try previous.map { try BatchReader.read(path: $0) }
            try BatchVerifier.verify(contents, key: publicKey, previous: previousContents)
            let manifest = contents.manifest
            print(
                "OK: \(manifest.center) batch \(manifest.sequence), \(manifest.count) records, signed by \(publicKey.fingerprint)"
                    + (previousContents == nil ? "" : ", follows batch \(manifest.sequence - 1)"))
        }
    }
}
