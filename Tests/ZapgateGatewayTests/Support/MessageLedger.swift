import Foundation

/// What the crash test asked for and what the gateway answered: every send request (its
/// Idempotency-Key, its unique text, and the id once one was answered) and every text a phone
/// sent, so the end state can be reconciled exactly.
actor MessageLedger {
    /// A direction of the load.
    enum Flow: String, CaseIterable, Sendable {
        /// Instance A to account B's number, through the API (instance B receives it).
        case instanceAToInstanceB = "A→B"
        /// Instance B to phone C, through the API.
        case instanceBToPhoneC = "B→C"
        /// Phone C to account A's number (instance A receives it).
        case phoneCToInstanceA = "C→A"
    }

    /// How a request came to be accepted.
    enum Acceptance: Sendable {
        /// Answered 202 straight away.
        case answered
        /// The gateway died before answering; the retry with the same key answered 200 with the
        /// message the first request had queued.
        case committedBeforeCrash
        /// The gateway died before answering; the retry answered 202 (the first had not been
        /// committed).
        case acceptedOnRetry
    }

    struct Request: Sendable {
        var flow: Flow
        var idempotencyKey: String
        var text: String
        var id: String?
        var acceptance: Acceptance?
    }

    private(set) var requests: [Request] = []
    /// Texts phone C sent, by the id the simulator gave them.
    private(set) var phoneSent: [(id: String, text: String)] = []

    /// Records a request about to be made; returns its index.
    func request(_ flow: Flow, key: String, text: String) -> Int {
        requests.append(Request(flow: flow, idempotencyKey: key, text: text))
        return requests.count - 1
    }

    func accepted(_ index: Int, id: String, _ acceptance: Acceptance) {
        requests[index].id = id
        requests[index].acceptance = acceptance
    }

    func phoneSent(id: String, text: String) {
        phoneSent.append((id, text))
    }

    /// The requests no answer has accepted yet.
    func unanswered() -> [(index: Int, request: Request)] {
        requests.indices.filter { requests[$0].id == nil }.map { ($0, requests[$0]) }
    }

    /// The accepted requests of `flow`: id and text.
    func accepted(_ flow: Flow) -> [(id: String, text: String)] {
        requests.filter { $0.flow == flow }.compactMap { request in request.id.map { ($0, request.text) } }
    }

    /// How many requests of `flow` were accepted each way.
    func count(_ flow: Flow, _ acceptance: Acceptance) -> Int {
        requests.count { $0.flow == flow && $0.acceptance == acceptance }
    }
}
