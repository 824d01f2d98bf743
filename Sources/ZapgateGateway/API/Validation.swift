import Foundation
import ZapgateWire

/// The rules every input is checked against before anything is stored or sent.
enum Validation {
    /// Names of tenants, instances and keys: 1–64 characters, starting with a letter or digit.
    static func name(_ value: String, field: String = "/name") throws(GatewayError) -> String {
        let allowed = value.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0)
        }
        guard (1...64).contains(value.count), allowed, value.first.map({ $0.isLetter || $0.isNumber }) == true
        else {
            throw .validation(
                field: field,
                detail: "Use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
        }
        return value
    }

    /// Plan names: lowercase, 1–32 characters.
    static func planName(_ value: String, field: String = "/plan") throws(GatewayError) -> String {
        let valid =
            (1...32).contains(value.count) && value.first.map({ $0.isASCII && $0.isLowercase }) == true
            && value.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
        guard valid else {
            throw .validation(
                field: field,
                detail: "A plan name is 1 to 32 of a-z, 0-9, '_' and '-', starting with a letter.")
        }
        return value
    }

    /// A phone number in international form: 7 to 15 digits, an optional leading '+', no
    /// leading zero. Returns the digits.
    static func phoneNumber(_ value: String, field: String = "/phoneNumber") throws(GatewayError) -> String {
        var digits = value.trimmingCharacters(in: .whitespaces)
        if digits.hasPrefix("+") { digits.removeFirst() }
        guard (7...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits.first != "0"
        else {
            throw .validation(
                field: field,
                detail: "Give the number in international form with its country code, 7 to 15 digits.")
        }
        return digits
    }

    /// A recipient: a phone number, or a person's or group's JID. Returns the chat JID.
    static func recipient(_ value: String, field: String = "/to") throws(GatewayError) -> JID {
        if !value.contains("@") {
            return JID(user: try phoneNumber(value, field: field), server: .phoneNumber)
        }
        guard let jid = try? JID(parsing: value) else {
            throw .validation(field: field, detail: "'\(value.prefix(80))' is not a JID.")
        }
        switch jid.server {
        case .phoneNumber:
            _ = try phoneNumber(jid.user, field: field)
        case .lid, .group:
            guard !jid.user.isEmpty, jid.user.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else {
                throw .validation(field: field, detail: "'\(value.prefix(80))' is not a valid JID.")
            }
        default:
            throw .validation(
                field: field, detail: "Send to a phone number, a @s.whatsapp.net, @lid or @g.us JID.")
        }
        return jid.withoutDevice
    }

    /// A UUID path parameter; a malformed one names nothing, so it is a 404 like any unknown id.
    static func id(_ value: String, what: String) throws(GatewayError) -> UUID {
        guard let id = UUID(uuidString: value) else { throw .notFound("No \(what) \(value.prefix(64)).") }
        return id
    }

    static func limit(_ value: Int?) throws(GatewayError) -> Int {
        guard let value else { return 50 }
        guard (1...100).contains(value) else {
            throw .validation(field: "limit", detail: "The limit is 1 to 100.")
        }
        return value
    }

    static func text(_ value: String, field: String, maximum: Int, allowEmpty: Bool = false)
        throws(GatewayError)
        -> String
    {
        guard allowEmpty || !value.isEmpty else {
            throw .validation(field: field, detail: "\(field) may not be empty.")
        }
        guard value.utf8.count <= maximum else {
            throw .validation(field: field, detail: "\(field) is longer than \(maximum) bytes.")
        }
        return value
    }

    /// A message id as WhatsApp clients make them: 1–128 visible ASCII characters.
    static func messageID(_ value: String, field: String = "/messageId") throws(GatewayError) -> String {
        guard (1...128).contains(value.count), value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw .validation(field: field, detail: "'\(value.prefix(64))' is not a message id.")
        }
        return value
    }

    /// A MIME type such as `image/jpeg`.
    static func mimetype(_ value: String, field: String = "/media/mimetype") throws(GatewayError) -> String {
        let parts = value.split(separator: "/")
        guard value.count <= 255, parts.count == 2, parts.allSatisfy({ !$0.isEmpty }),
            value.allSatisfy({ $0.isASCII && !$0.isWhitespace || $0 == " " })
        else { throw .validation(field: field, detail: "'\(value.prefix(64))' is not a MIME type.") }
        return value
    }

    /// An Idempotency-Key: 1–255 printable ASCII characters.
    static func idempotencyKey(_ value: String) throws(GatewayError) -> String {
        guard (1...255).contains(value.count),
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0.isPunctuation || $0.isSymbol) }
            )
        else {
            throw .validation(field: "Idempotency-Key", detail: "Use 1 to 255 printable ASCII characters.")
        }
        return value
    }
}
