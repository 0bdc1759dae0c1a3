import ArgumentParser
import Foundation
import KioskApp
import KioskCommandLine
import KioskUpload
import KioskUploadSetup

/// `kiosk catalog`: the unit catalog (vacancies) from headquarters.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Fetch the signed unit catalog (vacancies) that headquarters publishes.",
        discussion: """
            The attend service offers the units and positions of the newest catalog fetched, from \
            the next applicant on; without one, those of Kiosk/units.json (version 0, "local"). \
            `kiosk upload` fetches it too after every upload. `kiosk status` shows the version held.
            """,
        subcommands: [Fetch.self])

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch headquarters' catalog for this center and keep it if it is newer.",
            discussion: """
                GETs /v1/centers/{center}/catalog with the upload's settings (hq_url, hq_ca, \
                hq_client_cert/hq_client_key), verifies the signature with the pinned receipt key \
                (hq_receipt_key) and keeps the catalog in DATA/catalog.json only when it is for \
                this center, not expired, and its version is newer than the one held. A catalog \
                with a bad signature, for another center, or older than the one held (a replay) \
                is refused and nothing changes. Exit codes as `kiosk upload`: 0 done (stored, \
                already current, or none published); 75 headquarters unreachable or failing, try \
                later; 1 refused (signature, replay, configuration).
                """)

        @OptionGroup var data: DataOptions

        @OptionGroup var headquarters: HeadquartersOptions

        func run() async throws {
            KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
            let context = try data.context()
            let settings = try UploadSettings(
                folder: context.folder, config: context.config,
                overrides: UploadOverrides(
                    hqURL: headquarters.hq, hqCA: headquarters.hqCA, hqReceiptKey: headquarters.hqKey))
            do {
                print(try await CatalogUpdate.run(context: context, settings: settings).summary)
            } catch {
                FileHandle.standardError.write(Data("kiosk: \(error.message)\n".utf8))
                throw ExitCode(error.isTransient ? 75 : 1)
            }
        }
    }
}
