import Foundation
import KioskApp
import KioskCrypto
import KioskTestSupport
import KioskUpload
import KioskUploadSetup
import Testing

/// Relative paths in the configuration resolve against the configuration file's folder, the
/// same way for `kiosk config check`, `kiosk upload` and the Kiosk folder.
struct ConfigPathsTests {
    /// A configuration in `etc/` (as /etc/kiosk/config.json) naming files beside it, a data
    /// folder elsewhere with its center key, and the CA, receipt key and Kiosk folder in `etc/`.
    static func externalConfiguration(_ temporary: TemporaryFolder) throws -> (DataFolder, KioskConfig) {
        let receiptKey = try Ed25519PrivateKey.generate().publicKey.pemRepresentation
        _ = try temporary.file("etc/hq-ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        _ = try temporary.file("etc/keys/receipt.pub.pem", receiptKey)
        let sealingKey = try X25519PrivateKey.generate().publicKey
        _ = try temporary.file("etc/keys/sealing.pub.pem", sealingKey.pemRepresentation)
        try FileManager.default.copyItem(
            at: Repository.kioskFolder, to: temporary.url.appendingPathComponent("etc/Kiosk"))
        let config = try temporary.file(
            "etc/config.json",
            """
            { "center": "KYIV07", "center_name": "Kyiv", "form": "ua-contract", "idle_timeout_seconds": 120,
              "kiosk_dir": "Kiosk", "hq_url": "https://hq.example:8443", "hq_ca": "hq-ca.pem",
              "hq_receipt_key": "keys/receipt.pub.pem", "hq_sealing_key": "keys/sealing.pub.pem" }
            """)
        let environment = [
            "KIOSK_DATA_DIR": temporary.url.appendingPathComponent("data").path, "KIOSK_CONFIG": config.path,
        ]
        let folder = DataFolder.resolve(option: nil, environment: environment)
        try folder.prepare()
        _ = try folder.centerKey.create()
        return (folder, try folder.loadConfig(environment: environment))
    }

    @Test func configCheckAndUploadResolveTheSameFilesBesideTheConfiguration() throws {
        // Given a configuration outside the data folder naming files relative to itself
        let temporary = try TemporaryFolder()
        let (folder, config) = try Self.externalConfiguration(temporary)
        let etc = temporary.url.appendingPathComponent("etc").path

        // When config check runs and the upload settings are built from the same configuration
        let check = try UploadConfigCheck.lines(config, folder: folder)
        let settings = try UploadSettings(folder: folder, config: config, overrides: UploadOverrides())

        // Then both found the files beside the configuration, not in the data folder
        let fingerprint = try X25519PublicKey(
            pemRepresentation: String(contentsOfFile: "\(etc)/keys/sealing.pub.pem", encoding: .utf8)
        ).fingerprint
        #expect(
            check == [
                "sealing:     records sealed to \(fingerprint) (\(etc)/keys/sealing.pub.pem); answers deleted when sealed",
                "upload:      https://hq.example:8443, receipts checked with \(etc)/keys/receipt.pub.pem",
            ])
        #expect(try folder.openDatabase().batches.plaintextHeld() == 0)
        #expect(settings.caCertificate == "\(etc)/hq-ca.pem")
        #expect(folder.configPaths.path("keys/receipt.pub.pem") == "\(etc)/keys/receipt.pub.pem")
    }

    @Test func kioskDirInTheConfigurationIsBesideTheConfigurationToo() throws {
        let temporary = try TemporaryFolder()
        let (folder, config) = try Self.externalConfiguration(temporary)

        let (directory, source) = try KioskResources.locate(option: nil, config: config, paths: folder.configPaths)

        #expect(directory.path == temporary.url.appendingPathComponent("etc/Kiosk").path)
        #expect(source == "config kiosk_dir")
    }

    @Test func absolutePathsStayAsTheyAre() {
        let paths = ConfigPaths(configFile: URL(fileURLWithPath: "/etc/kiosk/config.json"))

        #expect(paths.path("/srv/hq/ca.pem") == "/srv/hq/ca.pem")
        #expect(paths.path("../hq/ca.pem") == "/etc/hq/ca.pem")
    }
}
