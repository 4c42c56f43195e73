import Foundation
import KubeModel

/// Decides, without a request, whether a child in the cache already is what the operator would
/// apply, so an idle reconcile makes no write at all. A child is up to date when both hold:
///
/// 1. its `mcpoperator.io/applied-hash` annotation is the hash of the configuration planned now,
///    so the last apply sent exactly this (this also covers fields the operator stopped sending,
///    such as `replicas` when autoscaling is switched on, which a comparison alone cannot see);
/// 2. every field of the planned configuration has the same value in the live object (so an
///    edit by someone else — another field manager, a `kubectl edit` — is drift to correct).
///    Fields the live object has beyond them (server defaults, status, other managers' fields)
///    are ignored. Lists must have the same length and match element by element. Resource
///    quantities compare by value (`1000m` equals `1`), as the API server normalizes them.
public enum AppliedState {
    /// Whether `live` already holds the applied configuration `desired`.
    public static func isUpToDate(_ desired: DesiredObject, live: JSONValue) -> Bool {
        guard live[path: ["metadata", "annotations", OperatorAnnotations.appliedHash]]?.stringValue == desired.appliedHash else {
            return false
        }
        var body = desired.body
        body["apiVersion"] = nil
        body["kind"] = nil
        return contains(live, body, path: [])
    }

    /// A stable hash (FNV-1a, 64 bits, hex) of a configuration's canonical JSON.
    public static func hash(of value: JSONValue) -> String {
        let bytes = (try? value.canonicalData()) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether `actual` has every field of `expected` with the same value.
    static func contains(_ actual: JSONValue?, _ expected: JSONValue, path: [String]) -> Bool {
        guard let actual else { return expected.isNull }
        switch (actual, expected) {
        case (.object(let have), .object(let want)):
            return want.allSatisfy { key, value in contains(have[key], value, path: path + [key]) }
        case (.array(let have), .array(let want)):
            guard have.count == want.count else { return false }
            return zip(have, want).allSatisfy { contains($0, $1, path: path) }
        case (.string(let have), .string(let want)):
            if have == want { return true }
            let isQuantity = path.contains("limits") || path.contains("requests") || path.contains("sizeLimit")
            return isQuantity && Quantities.value(have) != nil && Quantities.value(have) == Quantities.value(want)
        case (.number(let have), .number(let want)):
            return have == want
        default:
            return actual == expected
        }
    }
}

/// Parses Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1G`, `1e3`) to numbers.
enum Quantities {
    private static let suffixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
        ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
        ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ]

    /// The quantity's value, or nil when the text is not a quantity.
    static func value(_ text: String) -> Double? {
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)) else { return nil }
            return number * factor
        }
        return Double(text)
    }
}
