import Foundation
import PolicyDistribution
import PolicyEngine

// Parse time of a 100,000-line feed in each format: median and best of 15 runs after a warm-up.
func feed(_ format: PolicyDocument.Feed.Format) -> [UInt8] {
    var lines = ["# generated feed, 100,000 entries"]
    for index in 0..<100_000 {
        let v4 = "\(10 + (index >> 16)).\((index >> 8) & 0xFF).\(index & 0xFF).0/24"
        let v6 = "2001:db8:\(index >> 16):\(String(index & 0xFFFF, radix: 16))::/64"
        let cidr = index % 4 == 3 ? v6 : v4
        switch format {
        case .plain, .netset: lines.append(cidr)
        case .spamhausDropJSON: lines.append("{\"cidr\":\"\(cidr)\",\"sblid\":\"SBL\(index)\",\"rir\":\"ripencc\"}")
        }
    }
    return Array(lines.joined(separator: "\n").utf8)
}

for format in [PolicyDocument.Feed.Format.plain, .spamhausDropJSON] {
    let bytes = feed(format)
    _ = FeedParser.parse(bytes, format: format)
    var samples: [Duration] = []
    var blocks = 0
    for _ in 0..<15 {
        let started = ContinuousClock.now
        blocks = FeedParser.parse(bytes, format: format).blocks.count
        samples.append(ContinuousClock.now - started)
    }
    samples.sort()
    func ms(_ d: Duration) -> String { String(format: "%.1f", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
    print("\(format.rawValue): \(bytes.count) bytes, \(blocks) blocks, median \(ms(samples[7])) ms, best \(ms(samples[0])) ms")
}
