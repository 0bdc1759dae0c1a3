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
        subcommands: [Add.self, List.self, Audit.self])

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
            abstract: "List the centers, their key and last accepted batch; flag the silent ones.",
            discussion: """
                A center whose last batch was accepted longer ago than --silent-after is marked \
                SILENT, with how long; a count of them goes to standard error. Centers upload on a \
                schedule, so a silent one has lost power, network or its kiosk. (GET /metrics \
                gives the same time per center to alert on; see deploy/kiosk-hq-alerts.yml.)
                """)

        @OptionGroup var data: HQDataOptions

        @Option(
            name: .customLong("silent-after"),
            help: ArgumentHelp("Hours without an accepted batch after which a center is flagged.", valueName: "hours"))
        var silentAfter = 48

        func validate() throws {
            guard (0...8760).contains(silentAfter) else {
                throw ValidationError("--silent-after takes hours, from 0 to 8760")
            }
        }

        func run() async throws {
            let centers = try await data.withStore(try data.folder()) { try await $0.centerSummaries() }
            if centers.isEmpty {
                print("no center registered; add one with `kiosk-hq centers add CODE --key center.pub.pem`")
            }
            let now = Date()
            var silent = 0
            for center in centers {
                var line =
                    "\(center.code)\tkey \(center.keyFingerprint)\tlast batch \(center.lastSequence)"
                    + "\t\(center.lastReceivedAt ?? "-")\t\(center.records) applications"
                if let quiet = center.silence(at: now), quiet >= TimeInterval(silentAfter * 3600) {
                    silent += 1
                    line += "\tSILENT for \(Int(quiet / 3600)) h"
                }
                print(line)
            }
            if silent > 0 {
                FileHandle.standardError.write(
                    Data("\(silent) of \(centers.count) centers silent for \(silentAfter) h or longer\n".utf8))
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print where a center's audit log stood, as its last batch showed headquarters.",
            discussion: """
                Every batch manifest carries the length and head hash of the kiosk's audit log when \
                it was sealed; headquarters refuses (an alarm, 409) a batch whose log is shorter, or \
                as long with another head. On the kiosk, `kiosk audit verify --head HEAD` checks that \
                the entry headquarters saw is still in its log: a log rewritten since cannot hide.
                """)

        @OptionGroup var data: HQDataOptions

        @Argument(help: "The center code, e.g. DEMO01.")
        var code: String

        func run() async throws {
            let (center, last) = try await data.withStore(try data.folder()) { store in
                (try await store.center(code: code), try await store.lastBatch(center: code))
            }
            guard center != nil else { throw ValidationError("center \(code) is not registered") }
            guard let last else {
                print("\(code): no batch accepted yet, so no audit witness")
                return
            }
            guard let audit = last.audit else {
                print("\(code): its last batch (\(last.sequence)) carries no audit witness (sealed by an older kiosk)")
                return
            }
            print(
                "\(code) audit log at batch \(last.sequence) (received \(last.receivedAt)): \(audit.length) entries, "
                    + "head \(audit.head)")
            print("check on the kiosk: kiosk audit verify --head \(audit.head)")
        }
    }
}
