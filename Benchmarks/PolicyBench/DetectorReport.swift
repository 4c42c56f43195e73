import Foundation
import PolicyEngine

/// Detection and false-positive rates of the input detectors on a labelled corpus: `attacks.jsonl`
/// (`{"class": "<InjectionClass>", "text": …}` per line) and `benign.jsonl` (`{"text": …}`).
struct DetectorReport {
    struct ClassRow {
        var injectionClass: InjectionClass
        var attacks: Int
        /// Attacks of this class flagged by this class's detector.
        var caughtByOwn: Int
        /// Attacks of this class flagged by any detector.
        var caughtByAny: Int
        /// Benign texts this class's detector flags.
        var falsePositives: Int
        var misses: [String]
        var flaggedBenign: [String]
    }

    var rows: [ClassRow]
    var benign: Int
    /// Benign texts any detector flags.
    var falsePositives: Int

    /// Reads the corpus in `directory` and runs every detector over it.
    static func make(corpus directory: String) throws -> DetectorReport {
        let attacks = try lines(directory + "/attacks.jsonl").enumerated().map { index, line -> (InjectionClass, String) in
            guard let name = line["class"], let injectionClass = InjectionClass(rawValue: name), let text = line["text"] else {
                throw BenchFailure("\(directory)/attacks.jsonl line \(index + 1): needs \"class\" (one of \(InjectionClass.allCases.map(\.rawValue))) and \"text\"")
            }
            return (injectionClass, text)
        }
        let benign = try lines(directory + "/benign.jsonl").enumerated().map { index, line -> String in
            guard let text = line["text"] else { throw BenchFailure("\(directory)/benign.jsonl line \(index + 1): needs \"text\"") }
            return text
        }
        let all = InjectionDetector()
        let rows = InjectionClass.allCases.map { injectionClass -> ClassRow in
            let samples = attacks.filter { $0.0 == injectionClass }.map(\.1)
            let misses = samples.filter { !InjectionDetector.flags(injectionClass, in: $0) }
            let flagged = benign.filter { InjectionDetector.flags(injectionClass, in: $0) }
            return ClassRow(injectionClass: injectionClass, attacks: samples.count, caughtByOwn: samples.count - misses.count,
                            caughtByAny: samples.filter { all.detect($0) != nil }.count, falsePositives: flagged.count,
                            misses: misses, flaggedBenign: flagged)
        }
        return DetectorReport(rows: rows, benign: benign.count, falsePositives: benign.filter { all.detect($0) != nil }.count)
    }

    private static func lines(_ path: String) throws -> [[String: String]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchFailure("cannot read \(path) (run from the package root, or pass the corpus directory)")
        }
        return try data.split(separator: UInt8(ascii: "\n")).enumerated().map { index, line in
            do {
                return try JSONDecoder().decode([String: String].self, from: Data(line))
            } catch {
                throw BenchFailure("\(path) line \(index + 1): not a JSON object of strings")
            }
        }
    }

    private func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "n/a" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    /// Tables in Markdown, then every miss and every false positive.
    var markdown: String {
        var lines = [
            "| class | attacks | detected by its detector | detected by any detector | benign flagged by its detector |",
            "|---|---|---|---|---|",
        ]
        for row in rows {
            lines.append("| \(row.injectionClass.rawValue) | \(row.attacks) | \(row.caughtByOwn) (\(percent(row.caughtByOwn, row.attacks))) "
                + "| \(row.caughtByAny) (\(percent(row.caughtByAny, row.attacks))) | \(row.falsePositives) of \(benign) (\(percent(row.falsePositives, benign))) |")
        }
        let attacks = rows.map(\.attacks).reduce(0, +)
        let caught = rows.map(\.caughtByAny).reduce(0, +)
        lines.append("| all | \(attacks) | \(rows.map(\.caughtByOwn).reduce(0, +)) (\(percent(rows.map(\.caughtByOwn).reduce(0, +), attacks))) "
            + "| \(caught) (\(percent(caught, attacks))) | \(falsePositives) of \(benign) (\(percent(falsePositives, benign))) by any detector |")
        for row in rows {
            for miss in row.misses { lines.append("missed \(row.injectionClass.rawValue): \(miss.debugDescription)") }
            for text in row.flaggedBenign { lines.append("benign flagged as \(row.injectionClass.rawValue): \(text.debugDescription)") }
        }
        return lines.joined(separator: "\n")
    }
}
