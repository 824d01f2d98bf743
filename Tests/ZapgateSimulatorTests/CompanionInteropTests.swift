import Foundation
import Testing
import ZapgateTestSupport

/// The simulator against a companion client we did not write (Oracles/companion_oracle.py:
/// dissononce, axolotl_curve25519, `cryptography` and baileys-python's wabinary), linking and
/// logging in the way whatsmeow and Baileys do. These fail, not skip, when the venv is missing.
@Suite("Companion interop", .serialized, .timeLimit(.minutes(2)))
struct CompanionInteropTests {
    /// The oracle's offline checks: pairing-code wrapping, X25519 against `cryptography`, ADV
    /// verification, node encodings (the server JID as JID_PAIR) and the ClientPayload layout.
    @Test("the companion oracle's own pieces agree with each other and with cryptography")
    func oracleSelfTest() async throws {
        let oracle = try OracleEventStream(
            script: "companion_oracle.py", environment: .signal, arguments: ["selftest"])
        let report = try await oracle.next(timeout: .seconds(30), waitingFor: "the self-test report")
        #expect(report.bool("ok") == true, "\(report)")
        #expect(await oracle.exitStatus(timeout: .seconds(5)) == 0)
    }
}
