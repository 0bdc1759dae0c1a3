import ArgumentParser
import Foundation
import KioskHQ

/// `kiosk-hq keys`: headquarters' Ed25519 receipt key.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create or show headquarters' receipt-signing key.",
        subcommands: [Init.self, Show.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the receipt key in DATA/keys (mode 0600; refuses to overwrite one).")

        @OptionGroup var data: HQDataOptions

        func run() throws {
            let folder = try data.folder()
            let key = try folder.createReceiptKey()
            print("created \(folder.receiptPrivateKeyURL.path) (mode 0600)")
            print("fingerprint: \(key.publicKey.fingerprint)")
            print("Give \(folder.receiptPublicKeyURL.path) to every center (config hq_receipt_key).")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the receipt public key (PEM) and its fingerprint (SHA-256 of the DER public key).")

        @OptionGroup var data: HQDataOptions

        func run() throws {
            let key = try data.folder().loadReceiptKey()
            print(key.publicKey.pemRepresentation, terminator: "")
            print("fingerprint: \(key.publicKey.fingerprint)")
        }
    }
}
