import Foundation
import KioskApp
import KioskCrypto
import KioskUpload

/// The upload part of `kiosk config check`: the files the upload keys name must be readable
/// and of the right kind, so a mistake shows now and not at the first scheduled upload.
///
/// Paths resolve through `ConfigPaths`, against the configuration file's folder, exactly as
/// `UploadSettings(folder:config:overrides:)` resolves them for `kiosk upload`.
package enum UploadConfigCheck {
    /// The summary lines; throws the first problem, naming the file, the key and what is expected.
    package static func lines(_ config: KioskConfig, folder: DataFolder) throws(SetupError) -> [String] {
        let file = folder.configURL.path
        let paths = folder.configPaths
        guard let hqURL = config.hqURL else {
            return try sealingLines(config, folder: folder)
                + ["upload:      not configured (no hq_url); sealed batches wait in the outbox"]
        }
        func read(
            _ key: String, _ value: String, expecting marker: String, _ what: String
        ) throws(SetupError) -> String {
            let path = paths.path(value)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SetupError("\(file): key \"\(key)\": cannot read \(path); expected \(what)")
            }
            guard text.contains(marker) else {
                throw SetupError("\(file): key \"\(key)\": \(path) is not \(what)")
            }
            return text
        }
        if let url = URL(string: hqURL) {
            do {
                try UploadSettings.check(url, caCertificate: config.hqCA.map(paths.path))
            } catch {
                throw SetupError("\(file): key \"hq_url\": \(error.message)")
            }
        }
        if let ca = config.hqCA {
            _ = try read(
                "hq_ca", ca, expecting: "-----BEGIN CERTIFICATE-----", "a PEM certificate (the headquarters CA)")
        }
        guard let receiptKey = config.hqReceiptKey else {
            throw SetupError(
                "\(file): key \"hq_receipt_key\" is missing; expected the PEM file of headquarters' receipt key "
                    + "(what `kiosk-hq keys show` prints), without which no upload counts as delivered")
        }
        let pem = try read(
            "hq_receipt_key", receiptKey, expecting: "-----BEGIN PUBLIC KEY-----", "a PEM public key")
        do {
            _ = try Ed25519PublicKey(pemRepresentation: pem)
        } catch {
            throw SetupError(
                "\(file): key \"hq_receipt_key\": \(paths.path(receiptKey)) is not an Ed25519 public key: \(error)")
        }
        if let certificate = config.hqClientCert, let key = config.hqClientKey {
            _ = try read(
                "hq_client_cert", certificate, expecting: "-----BEGIN CERTIFICATE-----", "a PEM certificate")
            _ = try read("hq_client_key", key, expecting: "PRIVATE KEY-----", "a PEM private key")
        }
        guard config.hqSealingKey != nil else {
            throw SetupError(
                "\(file): key \"hq_sealing_key\" is missing; expected the PEM file of headquarters' sealing key "
                    + "(what `kiosk-hq keys show` prints), to which every batch's records are sealed")
        }
        let lines = try sealingLines(config, folder: folder)
        guard folder.centerKey.exists else {
            throw SetupError(
                "no center key in \(folder.centerKey.folder.path): create it with `kiosk keys init` and register "
                    + "its public key with headquarters")
        }
        return lines + ["upload:      \(hqURL), receipts checked with \(paths.path(receiptKey))"]
    }

    /// The sealing line: headquarters' sealing key, which must be an X25519 public key.
    private static func sealingLines(_ config: KioskConfig, folder: DataFolder) throws(SetupError) -> [String] {
        let file = folder.configURL.path
        let paths = folder.configPaths
        if let sealingKey = config.hqSealingKey {
            let path = paths.path(sealingKey)
            let key = try KioskContext.readSealingKey(at: path, for: "\(file): key \"hq_sealing_key\"")
            let keep = config.keepPlaintextDays ?? 0
            return [
                "sealing:     records sealed to \(key.fingerprint) (\(path)); answers "
                    + (keep == 0 ? "deleted when sealed" : "kept \(keep) days after sealing")
            ]
        }
        return ["sealing:     not configured (no hq_sealing_key); approved applications cannot be sealed"]
    }
}
