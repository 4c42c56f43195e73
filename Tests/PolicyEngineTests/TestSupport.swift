import Foundation

@testable import PolicyEngine

/// A clock the test moves by hand, in nanoseconds.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var nanoseconds: UInt64 = 1_000_000_000

    func now() -> UInt64 { lock.withLock { nanoseconds } }

    func advance(seconds: Double) {
        lock.withLock { nanoseconds += UInt64(seconds * 1e9) }
    }

    var function: @Sendable () -> UInt64 { { [self] in now() } }
}

/// A small deterministic generator (SplitMix64) so randomized tests replay exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Identity {
    static func key(_ name: String) -> Identity { Identity(subject: name, method: .apiKey) }
}

extension PolicyDocument {
    /// A document from JSON text, for tests.
    static func json(_ text: String) throws -> PolicyDocument {
        try PolicyDocument.decode(json: Data(text.utf8))
    }
}
