import Foundation
import KioskCore
import KioskCrypto

/// Everything under the operator's `Kiosk/` folder, loaded and checked at start.
///
/// A broken file stops the kiosk with a message naming the file, the place and the problem,
/// before any applicant sees a screen.
package struct KioskResources: Sendable {
    /// A form definition with the SHA-256 of the exact bytes it was read from.
    package struct LoadedForm: Sendable {
        package let definition: FormDefinition
        package let sha256: String
    }

    package let directory: URL
    /// How the folder was found, for `kiosk status` (e.g. "--kiosk-dir", "./Kiosk").
    package let source: String
    package let forms: [String: LoadedForm]
    package let catalog: UnitCatalog
    /// Which phone numbers are mobile (`phone-numbers.json`, from libphonenumber's metadata).
    package let numbers: MobileNumberPlan
    package let strings: [Language: InterfaceStrings]

    /// Finds the folder: --kiosk-dir (relative to the working directory), the config's
    /// kiosk_dir (relative to the configuration file's folder, like every path it names),
    /// ./Kiosk, then the installed share folders.
    package static func locate(
        option: String?, config: KioskConfig, paths: ConfigPaths
    ) throws(SetupError) -> (URL, String) {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let option {
            return (URL(fileURLWithPath: option, relativeTo: current).standardizedFileURL, "--kiosk-dir")
        }
        if let configured = config.kioskDir {
            return (paths.url(configured), "config kiosk_dir")
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates: [(URL, String)] = [
            (current.appendingPathComponent("Kiosk"), "./Kiosk"),
            (
                executable.deletingLastPathComponent().appendingPathComponent("../share/kiosk").standardizedFileURL,
                "share folder beside the executable"
            ),
            (URL(fileURLWithPath: "/usr/local/share/kiosk"), "/usr/local/share/kiosk"),
            (URL(fileURLWithPath: "/usr/share/kiosk"), "/usr/share/kiosk"),
        ]
        for (url, label) in candidates
        where FileManager.default.fileExists(atPath: url.appendingPathComponent("forms").path) {
            return (url, label)
        }
        throw SetupError(
            "no Kiosk folder found (looked in ./Kiosk and the installed share folders); pass --kiosk-dir DIR")
    }

    /// Which form definitions `load` reads and checks.
    package enum FormSelection: Sendable {
        /// Every `forms/*.json`: what `kiosk config check`, the review console and batches need.
        case all
        /// Only these forms (`forms/ID.json`), for `kiosk attend`, which fills one: decoding
        /// and checking a definition it never shows was a fifth of its start. The others are
        /// still checked by `kiosk config check` and by every other command.
        case only(Set<String>)
    }

    package static func load(
        from directory: URL, source: String, forms selection: FormSelection = .all
    ) throws(SetupError) -> KioskResources {
        do {
            let catalog = try DefinitionLoader.catalog(
                from: try read(directory, "units.json"), file: path(directory, "units.json"))
            let numbers = try DefinitionLoader.mobileNumberPlan(
                from: try read(directory, "phone-numbers.json"), file: path(directory, "phone-numbers.json"))
            var strings: [Language: InterfaceStrings] = [:]
            for language in Language.allCases {
                let name = "strings/\(language.rawValue).json"
                strings[language] = try DefinitionLoader.strings(
                    from: try read(directory, name), language: language, file: path(directory, name))
            }
            var forms: [String: LoadedForm] = [:]
            for name in try formFiles(in: directory, selection: selection) {
                let data = try read(directory, "forms/\(name)")
                let form = try DefinitionLoader.form(
                    from: data, file: path(directory, "forms/\(name)"), catalog: catalog)
                try checkPhoneCountries(form, numbers: numbers, file: path(directory, "forms/\(name)"))
                forms[form.id] = LoadedForm(definition: form, sha256: SHA256.hash(data).hex)
            }
            return KioskResources(
                directory: directory, source: source, forms: forms, catalog: catalog, numbers: numbers,
                strings: strings)
        } catch let error as DefinitionError {
            throw SetupError("form definition refused: \(error)")
        } catch let error as SetupError {
            throw error
        } catch {
            throw SetupError("\(error)")
        }
    }

    package func form(_ id: String) throws(SetupError) -> LoadedForm {
        guard let form = forms[id] else {
            let folder = directory.appendingPathComponent("forms")
            let available =
                ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
            throw SetupError("no form \"\(id)\" in \(folder.path) (available: \(available.joined(separator: ", ")))")
        }
        return form
    }

    /// A phone question may allow only countries whose mobile numbers `phone-numbers.json` describes.
    private static func checkPhoneCountries(
        _ form: FormDefinition, numbers: MobileNumberPlan, file: String
    ) throws(DefinitionError) {
        for field in form.fields {
            for case .phone(let countries, _) in field.validators {
                if let missing = countries.first(where: { numbers.country($0) == nil }) {
                    throw DefinitionError(
                        file: file, location: "field \"\(field.id)\"",
                        problem: "phone country \(missing) is not in phone-numbers.json")
                }
            }
        }
    }

    private static func formFiles(in directory: URL, selection: FormSelection) throws(SetupError) -> [String] {
        let folder = directory.appendingPathComponent("forms")
        if case .only(let ids) = selection {
            // A form named but missing is reported by `form(_:)`, with the forms there are.
            return ids.filter { !$0.contains("/") }.sorted().map { "\($0).json" }.filter {
                FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
            }
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw SetupError("cannot list \(folder.path)")
        }
        let forms = names.filter { $0.hasSuffix(".json") }.sorted()
        if forms.isEmpty { throw SetupError("\(folder.path) holds no form definition (*.json)") }
        return forms
    }

    private static func read(_ directory: URL, _ name: String) throws(SetupError) -> Data {
        do {
            return try Data(contentsOf: directory.appendingPathComponent(name))
        } catch {
            throw SetupError("cannot read \(path(directory, name)): \(error.localizedDescription)")
        }
    }

    private static func path(_ directory: URL, _ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}
