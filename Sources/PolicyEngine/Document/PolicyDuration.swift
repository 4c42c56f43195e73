/// Durations in the Go/Kubernetes style used by `refreshInterval`: a sequence of whole numbers
/// with units `h`, `m`, `s` (`1h30m`, `90s`).
enum PolicyDuration {
    /// The total seconds, or nil when the text is not such a duration.
    static func seconds(_ text: String) -> Int? {
        var total = 0
        var number: Int?
        var sawUnit = false
        for scalar in text.unicodeScalars {
            if let digit = Int(String(scalar)), scalar.isASCII {
                number = min((number ?? 0) * 10 + digit, 1_000_000_000)
                continue
            }
            guard let value = number else { return nil }
            switch scalar {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = nil
            sawUnit = true
        }
        guard number == nil, sawUnit, total <= 1_000_000_000 else { return nil }
        return total
    }

    /// The shortest form of a number of seconds: `1h`, `1h30m`, `45s`, `0s`.
    static func format(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0s" }
        var text = ""
        if seconds >= 3600 { text += "\(seconds / 3600)h" }
        if seconds % 3600 >= 60 { text += "\(seconds % 3600 / 60)m" }
        if seconds % 60 > 0 { text += "\(seconds % 60)s" }
        return text
    }
}
