import Foundation
import KioskCrypto
import KioskUpload
import Testing

@Suite("UploadSettings: where plain http may go")
struct UploadSettingsTests {
    let receiptKey: Ed25519PublicKey

    init() throws {
        receiptKey = try Ed25519PrivateKey.generate().publicKey
    }

    @Test(
        "http to a name that only looks like loopback is refused",
        arguments: ["http://127.example.com:8080", "http://127.0.0.1.example", "http://localhost.evil:80"])
    func refused(_ url: String) throws {
        let error = #expect(throws: UploadFailure.self) {
            _ = try UploadSettings(
                hqURL: try #require(URL(string: url)), caCertificate: nil, clientCertificate: nil,
                receiptKey: receiptKey)
        }
        #expect(error?.message.hasPrefix("plain http is only allowed to a loopback address, not ") == true)
    }

    @Test(
        "http to a loopback literal or localhost is allowed",
        arguments: ["http://127.0.0.1:8080", "http://127.255.255.254", "http://[::1]:8080", "http://localhost:8080"])
    func allowed(_ url: String) throws {
        let settings = try UploadSettings(
            hqURL: try #require(URL(string: url)), caCertificate: nil, clientCertificate: nil, receiptKey: receiptKey)
        #expect(settings.hqURL.absoluteString == url)
    }
}
