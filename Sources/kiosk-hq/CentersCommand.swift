import ArgumentParser
import Foundation
import KioskCrypto
import KioskHQ
import KioskReceipt
import KioskSupport

/// `kiosk-hq centers`: which centers may upload, with which key.
struct CentersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "centers",
        abstract: "Register centers and list where their batches stand.",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a center with its public key (the center's `kiosk keys show`).",
            discussion: "Registering the same key again is harmless; another key for a known center is refused.")

        @OptionGroup var data: HQDataOptions

        @Argument(help: "The center code, e.g. DEMO01.")
        var code: String

        @Option(help: ArgumentHelp("The center's public key (PEM).", valueName: "pem"))
        var key: String

        func validate() throws {
            guard CenterCode.isValid(code) else {
                throw ValidationError("the center code must be \(CenterCode.rule)")
            }
        }

        func run() async throws {
            let folder = try data.folder()
            let publicKey: Ed25519PublicKey
            do {
                publicKey = try Ed25519PublicKey(pemRepresentation: String(contentsOfFile: key, encoding: .utf8))
            } catch {
                throw ValidationError("\(key) is not an Ed25519 public key PEM: \(error)")
            }
            let center = try await data.withStore(folder) {
                try await $0.addCenter(code: code, key: publicKey, at: Date())
            }
            print("center \(center.code): key \(center.keyFingerprint)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the centers, their key and last accepted batch.")

        @OptionGroup var data: HQDataOptions

        func run() async throws {
            let centers = try await data.withStore(try data.folder()) { try await $0.centerSummaries() }
            if centers.isEmpty {
                print("no center registered; add one with `kiosk-hq centers add CODE --key center.pub.pem`")
            }
            for center in centers {
                print(
                    "\(center.code)\tkey \(center.keyFingerprint)\tlast batch \(center.lastSequence)"
                        + "\t\(center.lastReceivedAt ?? "-")\t\(center.records) applications")
            }
        }
    }
}
