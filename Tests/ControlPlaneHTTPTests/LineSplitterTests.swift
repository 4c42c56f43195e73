import ControlPlaneHTTP
import Foundation
import Testing

@Suite struct LineSplitterTests {
    func split(_ pieces: [String], maxRecordBytes: Int = 1 << 20) throws -> [String] {
        var splitter = LineSplitter(maxRecordBytes: maxRecordBytes)
        var records: [String] = []
        for piece in pieces {
            try splitter.append(Data(piece.utf8)) { records.append(String(decoding: $0, as: UTF8.self)) }
        }
        splitter.finish { records.append(String(decoding: $0, as: UTF8.self)) }
        return records
    }

    @Test func recordSpanningManyReadsIsJoined() throws {
        #expect(try split(["{\"a\"", ":1", "}\n{\"b\":2}", "\n"]) == ["{\"a\":1}", "{\"b\":2}"])
    }

    @Test func manyRecordsInOneReadAreSplit() throws {
        #expect(try split(["a\nb\nc\n"]) == ["a", "b", "c"])
    }

    @Test func carriageReturnsAndEmptyLinesAreDropped() throws {
        #expect(try split(["a\r\n\r\n\nb\r", "\n"]) == ["a", "b"])
    }

    @Test func trailingRecordWithoutNewlineIsEmittedAtFinish() throws {
        #expect(try split(["a\nbc"]) == ["a", "bc"])
    }

    @Test func byteAtATimeGivesTheSameRecords() throws {
        let text = "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\n"
        #expect(try split(text.map { String($0) }) == ["{\"type\":\"ADDED\"}", "{\"type\":\"MODIFIED\"}"])
    }

    @Test func oversizedRecordIsAnError() {
        #expect(throws: LineSplitter.RecordTooLarge.self) {
            _ = try split([String(repeating: "x", count: 100)], maxRecordBytes: 10)
        }
    }
}
