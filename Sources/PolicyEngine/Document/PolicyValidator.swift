import Foundation

/// Collects the issues of one document, with helpers for the recurring checks.
struct PolicyValidator {
    /// Issues reported per CIDR list before the rest are summarized.
    static let issuesPerList = 20

    var issues: [PolicyIssue] = []

    mutating func add(_ path: String, _ message: String) {
        issues.append(PolicyIssue(path: path, message: message))
    }

    mutating func name(_ name: String, at path: String, kind: String) {
        if name.isEmpty {
            add(path, "\(kind) name must not be empty")
        } else if name.utf8.count > 253 {
            add(path, "\(kind) name is longer than 253 characters")
        } else if !name.unicodeScalars.allSatisfy({ $0.isASCII && (Bytes.isWord(UInt8($0.value)) || "-.:".unicodeScalars.contains($0)) }) {
            add(path, "\(kind) name \"\(name)\" may contain only letters, digits, '_', '-', '.' and ':'")
        }
    }

    mutating func unique(_ names: [String], at path: (Int) -> String, kind: String) {
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if let first = seen[name] {
                add(path(index), "duplicate \(kind) name \"\(name)\" (first used at index \(first))")
            } else {
                seen[name] = index
            }
        }
    }

    mutating func globs(_ patterns: [String]?, at path: String) {
        for (index, pattern) in (patterns ?? []).enumerated() {
            if pattern.isEmpty {
                add("\(path)[\(index)]", "pattern must not be empty")
                continue
            }
            do throws(GlobSyntaxError) {
                _ = try Glob(pattern)
            } catch {
                add("\(path)[\(index)]", "invalid glob \"\(pattern)\": \(error)")
            }
        }
    }

    @discardableResult
    mutating func regex(_ pattern: String, at path: String) -> PolicyRegex? {
        do throws(RegexSyntaxError) {
            return try PolicyRegex(pattern)
        } catch {
            add(path, "invalid regular expression \"\(pattern)\": \(error)")
            return nil
        }
    }

    mutating func cidrs(_ list: ParsedCIDRList, at path: String) {
        for entry in list.invalid.prefix(Self.issuesPerList) {
            add("\(path)[\(entry.index)]", "\(entry.error.shortDescription): \"\(entry.text)\"")
        }
        if list.invalid.count > Self.issuesPerList {
            add(path, "\(list.invalid.count - Self.issuesPerList) more invalid entries")
        }
    }

    /// An http(s) URL with a host; plain http only for loopback hosts.
    mutating func url(_ text: String, at path: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            add(path, "\"\(text)\" is not an absolute URL")
            return
        }
        switch scheme {
        case "https": break
        case "http" where ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127."):
            break
        default: add(path, "URL must use https (plain http only for loopback hosts): \"\(text)\"")
        }
    }

    /// A Kubernetes object name (RFC 1123 subdomain).
    mutating func objectName(_ name: String, at path: String) {
        let valid = !name.isEmpty && name.utf8.count <= 253
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || Bytes.isDigit($0) || $0 == 0x2D || $0 == 0x2E }
            && name.utf8.first.map { $0 != 0x2D && $0 != 0x2E } == true
            && name.utf8.last.map { $0 != 0x2D && $0 != 0x2E } == true
        if !valid { add(path, "\"\(name)\" is not a valid Kubernetes object name") }
    }
}
