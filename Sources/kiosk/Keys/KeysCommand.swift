import ArgumentParser
import Foundation
import KioskApp
import KioskBatch
import KioskCommandLine

/// `kiosk keys`: the center's Ed25519 signing key.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create or show the center's signing key.",
        subcommands: [Init.self, Show.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the center's Ed25519 key in DATA/keys (refuses to overwrite one).")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let context = try data.context()
            let key = try context.folder.centerKey.create()
            print("created \(context.folder.centerKey.privateKeyURL.path) (mode 0600)")
            print("fingerprint: \(key.publicKey.fingerprint)")
            print("Register \(context.folder.centerKey.publicKeyURL.path) with headquarters.")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the center's public key (PEM) and its fingerprint (SHA-256 of the DER public key).")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let context = try data.context()
            let key = try context.folder.centerKey.load()
            print(key.publicKey.pemRepresentation, terminator: "")
            print("fingerprint: \(key.publicKey.fingerprint)")
        }
    }
}
