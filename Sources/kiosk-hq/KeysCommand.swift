import ArgumentParser
import Foundation
import KioskHQ

/// `kiosk-hq keys`: headquarters' Ed25519 receipt key and X25519 sealing key pair.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create or show headquarters' receipt-signing key and records-sealing key.",
        discussion: """
            The receipt key (keys/receipt.key.pem) signs the receipts the intake server gives. \
            The sealing key (keys/sealing.pub.pem) is given to every center, whose kiosks seal \
            the records to it; only its opening key (keys/opening.key.pem) opens them again, with \
            `kiosk-hq export --opening-key`. Move the opening key off the intake server, to the \
            machine that exports (and keep a backup: without it no record can be read): \
            `kiosk-hq serve` never reads it, so a server that is broken into reveals no application.
            """,
        subcommands: [Init.self, Show.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create what is missing of the receipt key and the sealing key pair in DATA/keys.",
            discussion: """
                Writes keys/receipt.key.pem (0600) and keys/receipt.pub.pem, and keys/opening.key.pem \
                (0600) and keys/sealing.pub.pem, each only when it is missing: an existing key is \
                never regenerated or rewritten, so running it on a folder that has its receipt key \
                adds the sealing pair and touches nothing else. A folder whose opening key was moved \
                away keeps its sealing.pub.pem and gets no new pair. Move keys/opening.key.pem off \
                the intake server once it is created.
                """)

        @OptionGroup var data: HQDataOptions

        func run() throws {
            let folder = try data.folder()
            var created = false
            if FileManager.default.fileExists(atPath: folder.receiptPrivateKeyURL.path) {
                print("kept \(folder.receiptPrivateKeyURL.path) (receipt key, already there)")
            } else {
                let key = try folder.createReceiptKey()
                created = true
                print("created \(folder.receiptPrivateKeyURL.path) (receipt key, mode 0600)")
                print("receipt key fingerprint: \(key.publicKey.fingerprint)")
                print("Give \(folder.receiptPublicKeyURL.path) to every center (config hq_receipt_key).")
            }
            switch try folder.createSealingKey() {
            case .created(let key):
                created = true
                print("created \(folder.openingPrivateKeyURL.path) (opening key, mode 0600)")
                print("created \(folder.sealingPublicKeyURL.path) (sealing key)")
                print("sealing key fingerprint: \(key.fingerprint)")
                print("Give \(folder.sealingPublicKeyURL.path) to every center; their records are sealed to it.")
                print(
                    "Move \(folder.openingPrivateKeyURL.path) off this intake server to the machine that runs "
                        + "`kiosk-hq export --opening-key`, and keep a backup: only it opens the records.")
            case .publicKeyRestored(let key):
                created = true
                print("created \(folder.sealingPublicKeyURL.path) (sealing key, from the opening key there)")
                print("sealing key fingerprint: \(key.fingerprint)")
            case .alreadyPresent:
                print("kept \(folder.sealingPublicKeyURL.path) (sealing key, already there)")
            }
            if !created {
                print("nothing to create: every key is there")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the receipt and sealing public keys (PEM), each with its fingerprint.",
            discussion: """
                A fingerprint is the hex SHA-256 of the DER public key, as \
                `openssl pkey -pubin -outform DER | sha256sum` prints it. Retired sealing keys \
                (keys/sealing-*.pub.pem, kept after a rotation) are listed too. It says when the \
                opening key is not in this folder: normal once it was moved off the intake server.
                """)

        @OptionGroup var data: HQDataOptions

        func run() throws {
            let folder = try data.folder()
            let receipt = try folder.loadReceiptKey().publicKey
            print("receipt key (signs receipts; each center's hq_receipt_key):")
            print(receipt.pemRepresentation, terminator: "")
            print("receipt key fingerprint: \(receipt.fingerprint)")
            let sealing = try folder.loadSealingKeys()
            let retired = folder.retiredSealingKeyURLs()
            print("")
            print("sealing key (centers seal the records to it; \(folder.sealingPublicKeyURL.path)):")
            print(sealing[0].pemRepresentation, terminator: "")
            print("sealing key fingerprint: \(sealing[0].fingerprint)")
            for (url, key) in zip(retired, sealing.dropFirst()) {
                print("retired sealing key fingerprint: \(key.fingerprint) (\(url.lastPathComponent))")
            }
            if FileManager.default.fileExists(atPath: folder.openingPrivateKeyURL.path) {
                print(
                    "opening key: \(folder.openingPrivateKeyURL.path) is in this folder; move it off the intake "
                        + "server to the machine that exports")
            } else {
                print(
                    "opening key: not in this folder (normal when it was moved off the intake server; "
                        + "`kiosk-hq export --opening-key` needs it)")
            }
        }
    }
}
