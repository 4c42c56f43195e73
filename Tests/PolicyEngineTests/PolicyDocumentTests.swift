import Foundation
import Testing

@testable import PolicyEngine

@Suite struct PolicyDocumentTests {
    @Test func validationNamesEveryProblemWithItsPath() throws {
        let document = try PolicyDocument.json(
            #"""
            {
              "authentication": {"apiKeys": [{"name": "ci", "sha256": "abc"}, {"name": "ci", "sha256": "\#(String(repeating: "a", count: 64))"}],
                                 "oidc": {"issuer": "http://idp.example.com", "audiences": []}},
              "roles": [
                {"name": "reader", "allowTools": ["read_*"]},
                {"name": "writer", "allowTools": ["write_[a-"]},
                {"name": "reader", "subjects": ["x"], "denyTools": ["ok", "bad\\"]}
              ],
              "rateLimits": [{"name": "fast", "requestsPerSecond": 0}, {"name": "both", "requestsPerSecond": 1, "requestsPerMinute": 60},
                             {"name": "burst", "requestsPerMinute": 10, "burst": 0}],
              "network": {"allowCIDRs": ["10.0.0.0/8", "10.0.0.0/33"], "denyCIDRs": ["not-an-ip"]},
              "inputValidation": {"maxDepth": 0, "customPatterns": [{"name": "p", "pattern": "(a|b"}, {"name": "q", "pattern": "(x)\\1"}]},
              "outputRedaction": [{"name": "empty", "pattern": "a*"}, {"name": "groups", "pattern": "(\\d+)", "replacement": "$2"}],
              "threatIntel": {"denyCIDRs": ["::1/129"], "feeds": [{"name": "f", "url": "ftp://x.example"}, {"name": "g"},
                              {"name": "h", "url": "https://feeds.example/drop.json", "refreshInterval": "10s"}]}
            }
            """#)
        let issues = document.validate()
        let byPath = Dictionary(grouping: issues, by: \.path).mapValues { $0.map(\.message) }
        func has(_ path: String, _ fragment: String) -> Bool {
            byPath[path]?.contains { $0.contains(fragment) } ?? false
        }
        #expect(has("spec.authentication.apiKeys[0].sha256", "64 hexadecimal digits"))
        #expect(has("spec.authentication.apiKeys[1].name", "duplicate API key name \"ci\""))
        #expect(has("spec.authentication.oidc.issuer", "https"))
        #expect(has("spec.authentication.oidc.audiences", "at least one audience"))
        #expect(has("spec.roles[1].allowTools[0]", "unterminated character class at position 6"))
        #expect(has("spec.roles[2].name", "duplicate role name \"reader\""))
        #expect(has("spec.roles[2].denyTools[1]", "pattern ends with an escape"))
        #expect(has("spec.rateLimits[0].requestsPerSecond", "positive"))
        #expect(has("spec.rateLimits[1]", "only one of"))
        #expect(has("spec.rateLimits[2].burst", "between 1"))
        #expect(has("spec.network.allowCIDRs[1]", "invalid prefix length"))
        #expect(has("spec.network.denyCIDRs[0]", "invalid IP address"))
        #expect(has("spec.inputValidation.maxDepth", "between 1"))
        #expect(has("spec.inputValidation.customPatterns[0].pattern", "missing closing parenthesis at position 0"))
        #expect(has("spec.inputValidation.customPatterns[1].pattern", "backreferences are not supported"))
        #expect(has("spec.outputRedaction[0].pattern", "empty string"))
        #expect(has("spec.outputRedaction[1].replacement", "group 2"))
        #expect(has("spec.threatIntel.denyCIDRs[0]", "invalid prefix length"))
        #expect(has("spec.threatIntel.feeds[0].url", "https"))
        #expect(has("spec.threatIntel.feeds[1]", "one of configMapRef and url"))
        #expect(has("spec.threatIntel.feeds[2].refreshInterval", "at least 1m"))
        #expect(throws: PolicyValidationError.self) { try CompiledPolicy(document) }
    }

    @Test func validationErrorListsEveryIssue() {
        let document = PolicyDocument(roles: [.init(name: "a b"), .init(name: "ok", allowTools: ["[z-a]"])])
        do {
            _ = try CompiledPolicy(document)
            Issue.record("expected a validation error")
        } catch {
            #expect(error.shortDescription == "invalid policy")
            #expect(error.issues.map(\.path) == ["spec.roles[0].name", "spec.roles[1].allowTools[0]"])
            #expect(error.description.contains("spec.roles[1].allowTools[0]: invalid glob \"[z-a]\": character range out of order"))
        }
    }

    @Test func decodingReportsUnknownFieldsAndWrongTypes() {
        func issues(_ json: String) -> [PolicyIssue] {
            do {
                _ = try PolicyDocument.json(json)
                return []
            } catch let error as PolicyValidationError {
                #expect(error.shortDescription == "malformed policy document")
                return error.issues
            } catch {
                return [PolicyIssue(path: "?", message: "\(error)")]
            }
        }
        #expect(issues(#"{"roles": [{"name": "a", "denyTool": ["x"]}]}"#) == [PolicyIssue(path: "spec.roles[0].denyTool", message: "unknown field")])
        #expect(issues(#"{"dryRun": "yes"}"#).first?.path == "spec.dryRun")
        #expect(issues(#"{"roles": [{"allowTools": []}]}"#).first == PolicyIssue(path: "spec.roles[0].name", message: "required field is missing"))
        #expect(issues(#"{"rateLimits": [{"name": "x", "scope": "planet", "requestsPerSecond": 1}]}"#).first?.path == "spec.rateLimits[0].scope")
        #expect(issues(#"{"audit": null}"#).isEmpty)
        // The threat-intelligence list is left out of the field comparison; its neighbours are not.
        #expect(issues(#"{"threatIntel": {"denyCIDRs": ["10.0.0.0/8"], "feed": []}}"#) == [PolicyIssue(path: "spec.threatIntel.feed", message: "unknown field")])
        #expect(issues(#"{"threatIntel": {"denyCIDRs": ["10.0.0.0/8"], "feeds": [{"name": "f", "url": "https://x", "formats": "plain"}]}}"#)
            == [PolicyIssue(path: "spec.threatIntel.feeds[0].formats", message: "unknown field")])
        #expect(issues(#"{"threatIntel": {"denyCIDRs": [5]}}"#).first?.path == "spec.threatIntel.denyCIDRs[0]")
        #expect(issues(#"{"threatIntel": {"denyCIDRs": ["10.0.0.0/8"]}}"#).isEmpty)
    }

    @Test func canonicalJSONIsStableAcrossKeyOrderAndSpelledOutDefaults() throws {
        let terse = try PolicyDocument.json(
            #"{"roles":[{"name":"dev","allowTools":["git_*"]}],"network":{"denyCIDRs":["10.1.2.3/8","192.0.2.1"]}}"#)
        let verbose = try PolicyDocument.json(
            #"""
            {"dryRun": false, "audit": {"includeArguments": false, "enabled": true},
             "network": {"allowCIDRs": [], "denyCIDRs": ["192.0.2.1/32", "10.0.0.0/8", "10.0.0.0/8"]},
             "roles": [{"denyTools": [], "allowTools": ["git_*"], "subjects": [], "name": "dev"}],
             "defaultAction": "deny", "outputRedaction": [], "rateLimits": [],
             "inputValidation": {"maxDepth": 32, "detectors": {"xss": true}, "maxArgumentBytes": 1048576}}
            """#)
        #expect(terse.canonicalJSON() == verbose.canonicalJSON())
        #expect(terse.version == verbose.version)
        #expect(terse.version.hasPrefix("sha256:"))
        #expect(terse.version.count == 7 + 64)
        let text = String(decoding: terse.canonicalJSON(), as: UTF8.self)
        #expect(!text.contains(" ") && !text.contains("\n"))
        #expect(text.contains(#""denyCIDRs":["10.0.0.0/8","192.0.2.1/32"]"#))
        let different = try PolicyDocument.json(#"{"roles":[{"name":"dev","allowTools":["git_*"]}],"defaultAction":"allow"}"#)
        #expect(different.version != terse.version)
    }

    @Test func normalizedSpellsOutDefaults() {
        let normalized = PolicyDocument(
            authentication: .init(apiKeys: [.init(name: "k", sha256: "sha256:" + String(repeating: "AB", count: 32))]),
            rateLimits: [.init(name: "m", requestsPerMinute: 30), .init(name: "s", requestsPerSecond: 2.5)],
            threatIntel: .init(feeds: [.init(name: "f", url: "https://x.example/f", refreshInterval: "90m")])
        ).normalized()
        #expect(normalized.defaultAction == .deny)
        #expect(normalized.authentication?.allowAnonymous == false)
        #expect(normalized.authentication?.apiKeys?.first?.sha256 == String(repeating: "ab", count: 32))
        #expect(normalized.rateLimits?.map(\.burst) == [30, 3])
        #expect(normalized.rateLimits?.first?.scope == .subject)
        #expect(normalized.rateLimits?.first?.tools == ["*"])
        #expect(normalized.inputValidation?.detectors == .init(sqlInjection: true, xss: true, pathTraversal: true, commandInjection: true))
        #expect(normalized.threatIntel?.feeds?.first?.refreshInterval == "1h30m")
        #expect(normalized.threatIntel?.feeds?.first?.format == .plain)
        #expect(normalized.audit == .init(enabled: true, includeArguments: false))
        #expect(normalized.normalized() == normalized)
    }

    @Test func labelSelectorsMatchLabels() {
        let selector = PolicyDocument.LabelSelector(
            matchLabels: ["tier": "prod"], matchExpressions: [.init(key: "team", operator: "In", values: ["a", "b"])])
        #expect(selector.matches(["tier": "prod", "team": "a"]))
        #expect(!selector.matches(["tier": "prod", "team": "c"]))
        #expect(!selector.matches(["team": "a"]))
    }
}
