import ArgumentParser
import Foundation
import KioskHQ
import KioskReceipt
import KioskSupport

/// `kiosk-hq catalog`: publish the vacancies that the centers' kiosks offer.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Publish the signed unit catalog (vacancies) that kiosks fetch, and show what is published.",
        discussion: """
            A catalog is a file in the format of Kiosk/units.json; each position may add \
            "open_places" (0 means full: not offered) and "age": {"min": N, "max": N} (offered only \
            to applicants of that age, from the form's date of birth). It is checked like a form \
            definition, given the next version number and an expiry, signed with headquarters' \
            receipt key (keys/receipt.key.pem, which kiosks already pin as hq_receipt_key) and \
            stored in DATA/catalogs/. Kiosks fetch it from GET /v1/centers/{code}/catalog with \
            `kiosk catalog fetch` and after every `kiosk upload`.
            """,
        subcommands: [Publish.self, Show.self])

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check, version, sign and store a unit catalog file.",
            discussion: """
                Prints the version given. A broken file is refused with the file, the unit, the \
                position and the problem, and nothing is stored. Past its expiry a kiosk offers \
                none of its positions (applicants can still choose "no preference"), so publish \
                again before it runs out.
                """)

        @OptionGroup var data: HQDataOptions

        @Argument(help: ArgumentHelp("The unit catalog (JSON, as Kiosk/units.json).", valueName: "file"))
        var file: String

        @Option(
            name: .customLong("expires-in-days"),
            help: ArgumentHelp("Days until kiosks stop offering its positions.", valueName: "days"))
        var expiresInDays = 14

        @Option(
            help: ArgumentHelp(
                "Only for these centers (comma-separated codes); default every center.", valueName: "codes"))
        var centers: String?

        var centerCodes: [String] {
            (centers ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        }

        func validate() throws {
            guard (1...365).contains(expiresInDays) else {
                throw ValidationError("--expires-in-days must be between 1 and 365")
            }
            if centers != nil && centerCodes.isEmpty {
                throw ValidationError("--centers needs at least one center code, e.g. --centers DEMO01,KYIV02")
            }
            if let bad = centerCodes.first(where: { !CenterCode.isValid($0) }) {
                throw ValidationError("--centers: \"\(bad.prefix(20))\" is not a center code (\(CenterCode.rule))")
            }
        }

        func run() throws {
            let folder = try data.folder()
            let bytes: Data
            do {
                bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw HQError("cannot read the catalog file \(file): \(error.localizedDescription)")
            }
            let statement = try folder.publishCatalog(
                bytes, file: file, centers: centerCodes, expiresIn: TimeInterval(expiresInDays) * 86_400)
            print(
                "published catalog version \(statement.version) for \(Show.audience(statement)), "
                    + "\(statement.catalog.units.count) units, expires \(statement.expiresAt)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the current catalog: version, centers, expiry, units and open places.")

        @OptionGroup var data: HQDataOptions

        func run() throws {
            let published = try data.folder().publishedCatalogs()
            guard let current = published.last else {
                print("no catalog published; kiosks offer their local Kiosk/units.json (version 0)")
                print("publish one with `kiosk-hq catalog publish units.json`")
                return
            }
            let expired = current.isExpired(at: Date()) ? " (EXPIRED: kiosks offer no position)" : ""
            print("catalog version \(current.version) for \(Self.audience(current))")
            print("  issued \(current.issuedAt), expires \(current.expiresAt)\(expired)")
            for unit in current.catalog.units {
                let positions = unit.positions.map { position in
                    position.id + (position.openPlaces.map { " (\($0) open)" } ?? "")
                }
                print("  \(unit.id) [\(unit.country)]: \(positions.joined(separator: ", "))")
            }
            // A catalog for some centers only leaves the others with the newest one for them.
            if !current.centers.isEmpty, let general = published.last(where: { $0.centers.isEmpty }) {
                print("other centers get version \(general.version) (expires \(general.expiresAt))")
            }
        }

        static func audience(_ statement: CatalogStatement) -> String {
            statement.centers.isEmpty ? "every center" : "centers " + statement.centers.joined(separator: ", ")
        }
    }
}
