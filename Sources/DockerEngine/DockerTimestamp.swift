import Foundation

/// The engine's RFC 3339 timestamps with nanoseconds (`2024-05-01T10:00:00.123456789Z`).
enum DockerTimestamp {
    /// The date, or nil for the engine's zero time (`0001-01-01T00:00:00Z`) and unreadable text.
    static func parse(_ text: String) -> Date? {
        guard !text.isEmpty, !text.hasPrefix("0001-01-01") else { return nil }
        var base = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let rest = text[text.index(after: dot)...]
            let digits = rest.prefix(while: \.isNumber)
            fraction = Double("0." + digits) ?? 0
            base = String(text[..<dot]) + String(rest.dropFirst(digits.count))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: base).map { $0.addingTimeInterval(fraction) }
    }
}
