import Foundation
import Testing
import ZapgateWire

struct JIDTests {
    /// text → parts → the text we print back.
    static let parseTable: [(text: String, jid: JID, printed: String)] = [
        (
            "1234567890@s.whatsapp.net", JID(user: "1234567890", server: .phoneNumber),
            "1234567890@s.whatsapp.net"
        ),
        (
            "1234567890:12@s.whatsapp.net", JID(user: "1234567890", server: .phoneNumber, device: 12),
            "1234567890:12@s.whatsapp.net"
        ),
        (
            "1234567890:0@s.whatsapp.net", JID(user: "1234567890", server: .phoneNumber),
            "1234567890@s.whatsapp.net"
        ),
        (
            "1234567890.3:7@s.whatsapp.net",
            JID(user: "1234567890", server: .phoneNumber, device: 7, rawAgent: 3),
            "1234567890.3:7@s.whatsapp.net"
        ),
        (
            "1234567890.3@s.whatsapp.net", JID(user: "1234567890", server: .phoneNumber, rawAgent: 3),
            "1234567890.3:0@s.whatsapp.net"
        ),
        ("987654321012345@lid", JID(user: "987654321012345", server: .lid), "987654321012345@lid"),
        (
            "987654321012345:2@lid", JID(user: "987654321012345", server: .lid, device: 2),
            "987654321012345:2@lid"
        ),
        (
            "120363012345678901@g.us", JID(user: "120363012345678901", server: .group),
            "120363012345678901@g.us"
        ),
        (
            "1234567890-1600000000@g.us", JID(user: "1234567890-1600000000", server: .group),
            "1234567890-1600000000@g.us"
        ),
        ("status@broadcast", .statusBroadcast, "status@broadcast"),
        ("1700000000@broadcast", JID(user: "1700000000", server: .broadcast), "1700000000@broadcast"),
        (
            "120363000000000000@newsletter", JID(user: "120363000000000000", server: .newsletter),
            "120363000000000000@newsletter"
        ),
        ("5511999999999@hosted", JID(user: "5511999999999", server: .hosted), "5511999999999@hosted"),
        (
            "5511999999999:99@hosted.lid", JID(user: "5511999999999", server: .hostedLID, device: 99),
            "5511999999999:99@hosted.lid"
        ),
        (
            "100001234567890:4@msgr", JID(user: "100001234567890", server: .messenger, device: 4),
            "100001234567890:4@msgr"
        ),
        (
            "7-100001234567890:4@interop",
            JID(user: "100001234567890", server: .interop, device: 4, integrator: 7),
            "7-100001234567890:4@interop"
        ),
        ("867051314767696@bot", .metaAIBot, "867051314767696@bot"),
        ("16505361212@c.us", .officialBusiness, "16505361212@c.us"),
        ("s.whatsapp.net", .whatsAppServer, "s.whatsapp.net"),
        ("@s.whatsapp.net", .whatsAppServer, "s.whatsapp.net"),
        ("g.us", .groupServer, "g.us"),
        ("someone@example.server", JID(user: "someone", server: "example.server"), "someone@example.server"),
    ]

    @Test(arguments: parseTable.indices)
    func parsesAndPrints(index: Int) throws {
        let row = Self.parseTable[index]
        let parsed = try JID(parsing: row.text)
        #expect(parsed == row.jid)
        #expect(parsed.description == row.printed)
        #expect(try JID(parsing: row.printed) == row.jid)
    }

    static let errorTable: [(text: String, error: JIDParseError)] = [
        ("", .empty),
        ("123@", .emptyServer("123@")),
        ("a@b@c", .tooManyAtSigns("a@b@c")),
        ("123:4:5@s.whatsapp.net", .malformedUser("123:4:5@s.whatsapp.net")),
        ("123.1.2@s.whatsapp.net", .malformedUser("123.1.2@s.whatsapp.net")),
        ("123.1:2:3@s.whatsapp.net", .malformedUser("123.1:2:3@s.whatsapp.net")),
        (":4@s.whatsapp.net", .malformedUser(":4@s.whatsapp.net")),
        (".1:4@s.whatsapp.net", .malformedUser(".1:4@s.whatsapp.net")),
        ("123:x@s.whatsapp.net", .invalidDevice("123:x@s.whatsapp.net")),
        ("123:@s.whatsapp.net", .invalidDevice("123:@s.whatsapp.net")),
        ("123:+4@s.whatsapp.net", .invalidDevice("123:+4@s.whatsapp.net")),
        ("123:65536@s.whatsapp.net", .invalidDevice("123:65536@s.whatsapp.net")),
        ("123.x:1@s.whatsapp.net", .invalidAgent("123.x:1@s.whatsapp.net")),
        ("123.256:1@s.whatsapp.net", .invalidAgent("123.256:1@s.whatsapp.net")),
        ("123.1:-1@s.whatsapp.net", .invalidDevice("123.1:-1@s.whatsapp.net")),
        ("x-123:1@interop", .invalidIntegrator("x-123:1@interop")),
        ("7-:1@interop", .malformedUser("7-:1@interop")),
    ]

    @Test(arguments: errorTable.indices)
    func rejectsMalformedText(index: Int) {
        let row = Self.errorTable[index]
        #expect(throws: row.error) { try JID(parsing: row.text) }
        #expect(JID(row.text) == nil)
    }

    @Test func signalAddressNames() {
        #expect(
            JID(user: "5511999999999", server: .phoneNumber, device: 3).signalAddressName == "5511999999999")
        #expect(JID(user: "12345", server: .lid, device: 3).signalAddressName == "12345_1")
        #expect(JID(user: "12345", server: .hosted).signalAddressName == "12345_128")
        #expect(JID(user: "12345", server: .hostedLID).signalAddressName == "12345_129")
        #expect(JID(user: "", server: .hosted).signalAddressName == "_128")
        // A raw agent on the phone-number server does not change the address (domain type 0).
        #expect(JID(user: "55", server: .phoneNumber, rawAgent: 5).signalAddressName == "55")
        #expect(JID(user: "12345", server: .lid, device: 3).signalDeviceID == 3)
    }

    @Test func domainTypes() {
        #expect(JID(user: "1", server: .phoneNumber).domainType == 0)
        #expect(JID(user: "1", server: .lid).domainType == 1)
        #expect(JID(user: "1", server: .hosted).domainType == 128)
        #expect(JID(user: "1", server: .hostedLID).domainType == 129)
    }

    @Test func kindsAndHelpers() {
        let device = JID(user: "5511", server: .phoneNumber, device: 4)
        #expect(device.withoutDevice == JID(user: "5511", server: .phoneNumber))
        #expect(device.withoutDevice.onDevice(4) == device)
        #expect(device.isPhoneNumberUser)
        #expect(JID(user: "1", server: .lid).isLIDUser)
        #expect(JID(user: "1", server: .group).isGroup)
        #expect(!JID.groupServer.isGroup)
        #expect(JID.groupServer.isServerOnly)
        #expect(JID.statusBroadcast.isStatusBroadcast)
        #expect(!JID.statusBroadcast.isBroadcastList)
        #expect(JID(user: "17", server: .broadcast).isBroadcastList)
        #expect(JID(user: "1", server: .newsletter).isNewsletter)
        #expect(JID.publicServiceAnnouncements.description == "0@s.whatsapp.net")
    }

    @Test func codableUsesTheTextForm() throws {
        let jid = JID(user: "12345", server: .lid, device: 2)
        let data = try JSONEncoder().encode([jid])
        #expect(String(decoding: data, as: UTF8.self) == #"["12345:2@lid"]"#)
        #expect(try JSONDecoder().decode([JID].self, from: data) == [jid])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([JID].self, from: Data(#"["a@b@c"]"#.utf8))
        }
    }
}
