/// Kubernetes resource quantities as Docker wants them: memory in bytes (`256Mi`, `1G`, `1e9`,
/// `500000`) and CPU in billionths of a CPU (`500m`, `0.5`, `2`). Pure parsing; nil for text
/// that is not a quantity.
public enum ResourceQuantity {
    /// Bytes of a memory quantity.
    public static func bytes(_ text: String) -> Int64? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let binary: [(String, Double)] = [("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024),
                                         ("Ti", 1024 * 1024 * 1024 * 1024), ("Pi", 1024 * 1024 * 1024 * 1024 * 1024)]
        let decimal: [(String, Double)] = [("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("m", 1e-3)]
        for (suffix, factor) in binary + decimal where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return integer((number * factor).rounded(.up))
        }
        guard let number = Double(text), number >= 0 else { return nil }
        return integer(number.rounded(.up))
    }

    /// Billionths of a CPU of a CPU quantity.
    public static func nanoCPUs(_ text: String) -> Int64? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("m") {
            guard let milli = Double(text.dropLast()), milli >= 0 else { return nil }
            return integer((milli * 1_000_000).rounded())
        }
        guard let cpus = Double(text), cpus >= 0 else { return nil }
        return integer((cpus * 1_000_000_000).rounded())
    }

    /// `value` as an Int64; nil when it is not finite or does not fit (`1e300`, `10000000000Gi`
    /// would otherwise trap the conversion).
    static func integer(_ value: Double) -> Int64? {
        guard value.isFinite, value < 9.2e18 else { return nil }
        return Int64(value)
    }
}

import Foundation
