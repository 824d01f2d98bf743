import Foundation
import Testing
import ZapgateTestSupport

/// Every field and enum value in our .proto files, compared with the oracle's schema by number:
/// same name (ignoring case), same type, same repeatedness. The oracle compiles our files with
/// protoc, so this checks the schema itself rather than the generated code.
@Suite("Our .proto files agree with the schemas we did not write")
struct SchemaAgreementTests {
    static let protoDirectory = RepositoryPaths.root.appendingPathComponent("Sources/ZapgateProto/proto").path

    /// Enum values newer than baileys-python's WAProto snapshot (WhatsApp 2.3000.1029496320);
    /// they come from whatsmeow's current schema.
    static let newerThanWAProto: Set<String> = [
        "zapgate.clientpayload.ClientPayload.UserAgent.Platform.WAIL = 38",
        "zapgate.e2e.ProtocolMessage.Type.AI_MEDIA_COLLECTION_MESSAGE = 31",
        "zapgate.e2e.ProtocolMessage.Type.MESSAGE_UNSCHEDULE = 32",
        "zapgate.e2e.ProtocolMessage.Type.CHAT_THEME_SETTING = 34",
        "zapgate.e2e.ProtocolMessage.Type.AI_METADATA_OPERATION = 35",
        "zapgate.e2e.ProtocolMessage.Type.MARK_AS_VERIFIED_ACTION = 36",
        "zapgate.e2e.ProtocolMessage.Type.COEX_STATE_SYNC = 37",
    ]

    @Test("WhatsApp messages match baileys-python's WAProto")
    func waproto() throws {
        let oracle = try OracleProcess(
            script: "waproto_oracle.py", environment: .waproto, arguments: ["waproto"])
        let roots: [[String]] = [
            ["zapgate.handshake.HandshakeMessage", "proto.HandshakeMessage"],
            ["zapgate.cert.CertChain", "proto.CertChain"],
            ["zapgate.cert.CertChain.NoiseCertificate.Details", "proto.CertChain.NoiseCertificate.Details"],
            ["zapgate.clientpayload.ClientPayload", "proto.ClientPayload"],
            ["zapgate.deviceprops.DeviceProps", "proto.DeviceProps"],
            ["zapgate.adv.ADVSignedDeviceIdentityHMAC", "proto.ADVSignedDeviceIdentityHMAC"],
            ["zapgate.adv.ADVSignedDeviceIdentity", "proto.ADVSignedDeviceIdentity"],
            ["zapgate.adv.ADVDeviceIdentity", "proto.ADVDeviceIdentity"],
            ["zapgate.adv.ADVSignedKeyIndexList", "proto.ADVSignedKeyIndexList"],
            ["zapgate.adv.ADVKeyIndexList", "proto.ADVKeyIndexList"],
            ["zapgate.e2e.Message", "proto.Message"],
            ["zapgate.e2e.MessageKey", "proto.MessageKey"],
        ]
        let files = [
            "handshake.proto", "cert.proto", "client_payload.proto", "device_props.proto", "adv.proto",
            "e2e.proto",
        ]
        let reply = try oracle.call([
            "op": "schema", "protoDir": Self.protoDirectory, "roots": roots, "files": files,
        ])
        try expectAgreement(reply, allowed: Self.newerThanWAProto, minimumFields: 250)
    }

    @Test("Signal wire messages match python-axolotl's WhisperTextProtocol")
    func axolotl() throws {
        let oracle = try OracleProcess(
            script: "waproto_oracle.py", environment: .signal, arguments: ["axolotl"])
        let roots: [[String]] = [
            ["zapgate.signal.SignalMessage", "textsecure.WhisperMessage"],
            ["zapgate.signal.PreKeySignalMessage", "textsecure.PreKeyWhisperMessage"],
            ["zapgate.signal.SenderKeyMessage", "textsecure.SenderKeyMessage"],
            [
                "zapgate.signal.AxolotlSenderKeyDistributionMessage",
                "textsecure.SenderKeyDistributionMessage",
            ],
        ]
        let reply = try oracle.call([
            "op": "schema", "protoDir": Self.protoDirectory, "roots": roots, "files": ["signal.proto"],
        ])
        try expectAgreement(reply, allowed: [], minimumFields: 17)
    }

    private func expectAgreement(_ reply: [String: Any], allowed: Set<String>, minimumFields: Int) throws {
        let problems = try #require(reply["problems"] as? [String])
        let unexplained = problems.filter { problem in !allowed.contains { problem.hasPrefix($0 + ":") } }
        #expect(unexplained.isEmpty, "schema disagreements:\n\(unexplained.joined(separator: "\n"))")
        let unvisited = try #require(reply["unvisited"] as? [String])
        #expect(unvisited.isEmpty, "types not compared with theirs: \(unvisited)")
        let fields = try #require(reply["fields"] as? Int)
        #expect(fields >= minimumFields)
    }
}
