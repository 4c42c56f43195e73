import Foundation
import Testing

@testable import PolicyEngine

@Suite struct PolicyJSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try PolicyJSON(parsing: #" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}} "#)
        #expect(value == ["a": [1, -2500, true, false, nil], "b": ["c": "d\né😀"]])
    }

    @Test func rejectsMalformedInputWithOffsets() {
        for (text, offset) in [("{\"a\":}", 5), ("[1,]", 3), ("\"abc", 4), ("01", 1), ("[1] x", 4), ("\"\\q\"", 1)] {
            #expect(throws: PolicyJSONError.self, "\(text)") { try PolicyJSON(parsing: text) }
            do {
                _ = try PolicyJSON(parsing: text)
            } catch {
                #expect(error.offset == offset, "\(text): \(error)")
            }
        }
    }

    @Test func refusesNestingBeyondTheParseLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: PolicyJSONError.self) { try PolicyJSON(parsing: deep) }
    }

    @Test func canonicalRenderingSortsKeysAndEscapesMinimally() {
        let value: PolicyJSON = ["b": 1, "a": ["z": "x/y", "é": "\u{1}\"\\"], "A": 2.5, "n": 1e21]
        #expect(value.canonicalString == #"{"A":2.5,"a":{"z":"x/y","é":"\u0001\"\\"},"b":1,"n":1e+21}"#)
    }

    @Test func escapesAtEveryPositionOfAString() {
        #expect(PolicyJSON.string("").canonicalString == #""""#)
        #expect(PolicyJSON.string("\"").canonicalString == #""\"""#)
        #expect(PolicyJSON.string("a\\b\nc\u{7}").canonicalString == #""a\\b\nc\u0007""#)
        #expect(PolicyJSON.string("\u{1f}end").canonicalString == #""\u001fend""#)
        #expect(PolicyJSON.string("tab\t\u{8}\u{c}\r").canonicalString == #""tab\t\b\f\r""#)
        #expect(PolicyJSON.string("plain ü €").canonicalString == "\"plain ü €\"")
        // Bridged and substring-backed strings render the same as native ones.
        let sliced = String("xx\"quoted\"xx".dropFirst(2).dropLast(2))
        #expect(PolicyJSON.string(sliced).canonicalString == #""\"quoted\"""#)
    }

    @Test func byteCountMatchesTheRendering() {
        let value: PolicyJSON = ["text": "tab\there \"quoted\" \u{2}", "list": [1, 2.25, nil, true], "nested": ["k": "vé"]]
        #expect(value.canonicalByteCount() == value.canonicalBytes().count)
        #expect(value.canonicalByteCount(limit: 10) > 10)
    }

    @Test func depthCountsContainers() {
        #expect(PolicyJSON.string("x").depth == 0)
        #expect(PolicyJSON.object([:]).depth == 1)
        #expect((["a": [["b": 1]]] as PolicyJSON).depth == 3)
    }

    @Test func decodesFromFoundation() throws {
        let value = try JSONDecoder().decode(PolicyJSON.self, from: Data(#"{"x":[1,"two",null]}"#.utf8))
        #expect(value == ["x": [1, "two", nil]])
    }
}
