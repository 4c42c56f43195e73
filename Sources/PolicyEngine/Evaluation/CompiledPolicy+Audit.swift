import Crypto
import Foundation

extension CompiledPolicy {
    /// One audit-log line (JSON, keys sorted, ending in a newline) for a decided call: when,
    /// which policy version, who (subject, method, roles, client address), which tool, the
    /// decision and its rule and reason, the evaluation latency, and the SHA-256 of the canonical
    /// JSON of the arguments — the arguments themselves only when `audit.includeArguments` is set.
    public func auditRecord(
        request: ToolCallRequest, decision: Decision, latencyNanoseconds: UInt64, timestamp: Date
    ) -> Data {
        let canonicalArguments = request.arguments.canonicalBytes()
        var record: [String: PolicyJSON] = [
            "time": .string(Self.iso8601(timestamp)),
            "policyVersion": .string(version),
            "subject": .string(request.identity.subject),
            "method": .string(request.identity.method.rawValue),
            "clientIP": request.clientIP.map { .string($0.description) } ?? .null,
            "tool": .string(request.toolName),
            "allowed": .bool(decision.allowed),
            "rule": .string(decision.rule),
            "reason": .string(decision.reason),
            "latencyMicroseconds": .number((Double(latencyNanoseconds) / 1000 * 1000).rounded() / 1000),
            "argumentsSHA256": .string(SHA256.hash(data: canonicalArguments).hexString),
        ]
        if let retryAfter = decision.retryAfter { record["retryAfter"] = .number(retryAfter) }
        if document.audit?.includeArguments == true { record["arguments"] = request.arguments }
        if isDryRun { record["dryRun"] = .bool(true) }
        var line = PolicyJSON.object(record).canonicalBytes()
        line.append(0x0A)
        return Data(line)
    }

    /// `2024-05-01T12:34:56.789Z`, computed without a formatter (civil-from-days).
    static func iso8601(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = Int64((Double(milliseconds) / 86_400_000).rounded(.down))
        let millisOfDay = milliseconds - days * 86_400_000
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let hour = millisOfDay / 3_600_000
        let minute = millisOfDay / 60_000 % 60
        let second = millisOfDay / 1000 % 60
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisOfDay % 1000, 3))Z"
    }
}
