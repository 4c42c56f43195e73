import Foundation

/// Which proxy a request goes through, decided the way Go's `http.ProxyFromEnvironment` (and so
/// kubectl and client-go) decides it, instead of libcurl's own reading of the environment:
///
/// - `HTTPS_PROXY` / `https_proxy` for https URLs, `HTTP_PROXY` / `http_proxy` for http URLs (the
///   upper-case name wins when both are set; libcurl alone ignores upper-case `HTTP_PROXY`);
/// - never for `localhost` and loopback addresses (127.0.0.0/8, ::1): a gateway reaching the
///   server in its own pod, or a test reaching its peer, must not detour through a proxy;
/// - never for hosts matched by `NO_PROXY` / `no_proxy`: `*`, exact names, `.suffix` or `suffix`
///   for a domain and its subdomains, `host:port`, IP addresses and CIDR ranges.
///
/// A pure value: the environment is read once, when a transport is made.
public struct ProxySelection: Sendable, Equatable {
    var httpProxy: String?
    var httpsProxy: String?
    var noProxy: [String]

    /// Reads the proxy variables from `environment` (by default the process's).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ names: String...) -> String? {
            for name in names { if let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v } }
            return nil
        }
        httpProxy = value("HTTP_PROXY", "http_proxy")
        httpsProxy = value("HTTPS_PROXY", "https_proxy")
        noProxy = (value("NO_PROXY", "no_proxy") ?? "")
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
    }

    /// No proxy for any request.
    public static let none = ProxySelection(environment: [:])

    /// The proxy URL for `url`, or nil for a direct connection.
    public func proxy(for url: String) -> String? {
        if httpProxy == nil, httpsProxy == nil { return nil }  // the usual case: nothing to parse
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              var host = components.host?.lowercased(), !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let proxy: String?
        switch scheme {
        case "https", "wss": proxy = httpsProxy
        case "http", "ws": proxy = httpProxy
        default: proxy = nil
        }
        guard let proxy else { return nil }
        if Self.isLoopback(host) { return nil }
        let port = components.port ?? (scheme == "https" || scheme == "wss" ? 443 : 80)
        return noProxy.contains(where: { Self.matches($0, host: host, port: port) }) ? nil : proxy
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        if let v4 = IPv4(host) { return v4.octets[0] == 127 }
        return false
    }

    static func matches(_ entry: String, host: String, port: Int) -> Bool {
        if entry == "*" { return true }
        var pattern = entry
        var entryPort: Int?
        // "host:port" (but not a bare IPv6 address, which has several colons).
        if let colon = pattern.lastIndex(of: ":"), pattern.firstIndex(of: ":") == colon || pattern.hasPrefix("[") {
            entryPort = Int(pattern[pattern.index(after: colon)...])
            pattern = String(pattern[..<colon])
        }
        if pattern.hasPrefix("["), pattern.hasSuffix("]") { pattern = String(pattern.dropFirst().dropLast()) }
        if let entryPort, entryPort != port { return false }
        if let slash = pattern.firstIndex(of: "/"), let network = IPv4(String(pattern[..<slash])),
           let bits = Int(pattern[pattern.index(after: slash)...]), (0...32).contains(bits) {
            guard let address = IPv4(host) else { return false }
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
            return address.value & mask == network.value & mask
        }
        if pattern.hasPrefix("*.") { pattern.removeFirst() }
        if pattern.hasPrefix(".") { return host.hasSuffix(pattern) || host == String(pattern.dropFirst()) }
        return host == pattern || host.hasSuffix("." + pattern)
    }

    struct IPv4 {
        var octets: [UInt32]
        var value: UInt32 { octets.reduce(0) { $0 << 8 | $1 } }
        init?(_ text: String) {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var octets: [UInt32] = []
            for part in parts {
                guard let n = UInt32(part), n <= 255 else { return nil }
                octets.append(n)
            }
            self.octets = octets
        }
    }
}
