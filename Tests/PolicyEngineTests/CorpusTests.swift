import Foundation
import Testing

@testable import PolicyEngine

/// The labelled corpus: hand-written attacks in four classes and ordinary arguments an agent
/// sends (prose, questions, code, quoted SQL, paths, URLs, JSON, harmless shell).
enum Corpus {
    struct Attack {
        var injectionClass: InjectionClass
        var text: String
    }

    static func lines(_ name: String) throws -> [[String: String]] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Corpus"))
        let data = try Data(contentsOf: url)
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            try JSONDecoder().decode([String: String].self, from: Data(line))
        }
    }

    static func attacks() throws -> [Attack] {
        try lines("attacks").map { line in
            Attack(injectionClass: try #require(line["class"].flatMap(InjectionClass.init(rawValue:))), text: try #require(line["text"]))
        }
    }

    static func benign() throws -> [String] {
        try lines("benign").map { try #require($0["text"]) }
    }
}

@Suite struct CorpusTests {
    @Test func corpusIsLargeAndBalanced() throws {
        let attacks = try Corpus.attacks()
        #expect(attacks.count >= 200)
        for injectionClass in InjectionClass.allCases {
            #expect(attacks.filter { $0.injectionClass == injectionClass }.count >= 40, "\(injectionClass)")
        }
        let benign = try Corpus.benign()
        #expect(benign.count >= 1000)
        #expect(Set(benign).count == benign.count)
    }

    @Test func detectorsCatchAttacksAndPassBenignText() throws {
        let attacks = try Corpus.attacks()
        let benign = try Corpus.benign()
        let all = InjectionDetector()
        var report: [String] = []
        for injectionClass in InjectionClass.allCases {
            let samples = attacks.filter { $0.injectionClass == injectionClass }
            let ownMisses = samples.filter { !InjectionDetector.flags(injectionClass, in: $0.text) }
            let anyMisses = samples.filter { all.detect($0.text) == nil }
            let ownRate = Double(samples.count - ownMisses.count) / Double(samples.count)
            let anyRate = Double(samples.count - anyMisses.count) / Double(samples.count)
            report.append(
                "\(injectionClass.rawValue): \(samples.count - ownMisses.count)/\(samples.count) = "
                    + "\(percent(ownRate)) by its own detector, \(percent(anyRate)) by any detector")
            for miss in ownMisses { report.append("  missed: \(miss.text.debugDescription)") }
            #expect(ownRate >= 0.95, "\(injectionClass) detection rate \(percent(ownRate))")
        }
        let falsePositives = benign.compactMap { text in all.detect(text).map { (text, $0) } }
        let falsePositiveRate = Double(falsePositives.count) / Double(benign.count)
        report.append("benign: \(falsePositives.count)/\(benign.count) flagged = \(percent(falsePositiveRate)) false positives")
        for (text, injectionClass) in falsePositives { report.append("  flagged as \(injectionClass.rawValue): \(text.debugDescription)") }
        print(report.joined(separator: "\n"))
        #expect(falsePositiveRate <= 0.005, "false-positive rate \(percent(falsePositiveRate))")
    }

    private func percent(_ value: Double) -> String {
        String(format: "%.1f%%", value * 100)
    }
}
