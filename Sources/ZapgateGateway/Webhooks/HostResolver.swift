import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Looks up the addresses a webhook's host name resolves to, so a public-looking name that
/// points inside the network is refused at send time too. The lookup blocks, so it runs on
/// NIO's thread pool, not on the concurrency pool.
enum HostResolver {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func addresses(of host: String) async throws -> [IPAddress] {
        var name = host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if let literal = IPAddress(name) { return [literal] }
        let lookup = name
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(lookup, nil, &hints, &list)
            guard status == 0, let first = list else {
                throw Failed(
                    description: "could not resolve \(lookup): \(String(cString: gai_strerror(status)))")
            }
            defer { freeaddrinfo(first) }
            var found: [IPAddress] = []
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry {
                if let address = current.pointee.ai_addr {
                    switch Int32(address.pointee.sa_family) {
                    case AF_INET:
                        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                            var raw = v4.pointee.sin_addr
                            found.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                        }
                    case AF_INET6:
                        address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                            var raw = v6.pointee.sin6_addr
                            found.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                        }
                    default:
                        break
                    }
                }
                entry = current.pointee.ai_next
            }
            return found
        }
    }
}
