import Foundation
import Hummingbird
import HummingbirdTesting
import KioskCrypto
import KioskHQ
import KioskReceipt
import Testing

/// `GET /v1/centers/{code}/catalog` through the real router, over catalogs published with
/// `HQFolder.publishCatalog` as `kiosk-hq catalog publish` does.
@Suite("kiosk-hq catalog route")
struct CatalogRouteTests {
    let hq: HQFixture

    init() throws {
        hq = try HQFixture()
    }

    static func catalog(_ unitID: String) -> Data {
        let name = #"{"uk":"n","en":"n","lt":"n"}"#
        let unit = #"{"id":"\#(unitID)","country":"UA","name":\#(name),"#
        let positions = #""positions":[{"id":"p","open_places":1,"age":{"max":30},"name":\#(name)}]"#
        return Data((#"{"fictional":true,"units":["# + unit + positions + "}]}").utf8)
    }

    func get(_ center: String) async throws -> (status: Int, body: [UInt8]) {
        try await hq.withRoutes { client in
            try await client.execute(uri: IntakeProtocol.catalogPath(center: center), method: .get) { response in
                (Int(response.status.code), Array(response.body.readableBytesView))
            }
        }
    }

    @Test func withoutACatalogTheAnswerIs404WithAProblemBody() async throws {
        let answer = try await get("DEMO01")
        #expect(answer.status == 404)
        let problem = try #require(IntakeProblem(wireBody: answer.body))
        #expect(problem.error == "no-catalog")
        #expect(problem.message.contains("no unit catalog is published for center DEMO01"))
    }

    @Test func theNewestCatalogForTheCenterIsServedSignedWithTheReceiptKey() async throws {
        // Given version 1 for every center, then version 2 for another center only
        _ = try hq.folder.publishCatalog(Self.catalog("general"), file: "a.json", centers: [], expiresIn: 86_400)
        let other = try hq.folder.publishCatalog(
            Self.catalog("other"), file: "b.json", centers: ["OTHER01"], expiresIn: 86_400)
        #expect(other.version == 2)

        // When DEMO01 asks
        let answer = try await get("DEMO01")

        // Then it gets version 1, which verifies with the receipt key and keeps open places and age
        #expect(answer.status == 200)
        let statement = try SignedCatalog(wireBody: answer.body).verified(
            with: hq.receiptKey.publicKey, center: "DEMO01")
        #expect(statement.version == 1)
        #expect(statement.catalog.units.map(\.id) == ["general"])
        #expect(statement.catalog.units[0].positions[0].openPlaces == 1)
        #expect(statement.catalog.units[0].positions[0].age?.max == 30)
        // And an unregistered center is refused
        #expect(try await get("NOPE01").status == 403)
    }

    @Test func aBrokenFileIsRefusedNamingTheFileTheUnitAndTheProblem() throws {
        let broken = Data(
            String(decoding: Self.catalog("u"), as: UTF8.self).replacingOccurrences(
                of: #""open_places":1"#, with: #""open_places":-2"#
            ).utf8)
        let error = try #require(throws: HQError.self) {
            try hq.folder.publishCatalog(broken, file: "vacancies.json", centers: [], expiresIn: 86_400)
        }
        #expect(
            error.description
                == #"catalog refused: vacancies.json: unit "u" position "p": open_places must be 0 to 100000"#)
        #expect(try hq.folder.publishedCatalogs().isEmpty)
    }

    @Test func aStatementThatIsNotCanonicalOrNamesAnotherKeyIsRefused() throws {
        _ = try hq.folder.publishCatalog(Self.catalog("u"), file: "a.json", centers: [], expiresIn: 86_400)
        let (signed, statement) = try #require(try hq.folder.currentCatalog(for: "DEMO01"))
        // Pretty-printed, the same meaning is other bytes: refused before anything is trusted
        let pretty = try JSONSerialization.data(
            withJSONObject: try JSONSerialization.jsonObject(with: Data(signed.bytes)), options: [.prettyPrinted])
        #expect(throws: ReceiptError.self) { try CatalogStatement.decode(Array(pretty)) }
        // Another key's signature does not verify
        let other = try Ed25519PrivateKey.generate()
        #expect(throws: ReceiptError.self) { try signed.verified(with: other.publicKey, center: "DEMO01") }
        #expect(statement.covers("ANY01"))
    }
}
