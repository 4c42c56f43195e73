import ControlPlaneHTTP
import Foundation

/// An endless stream of JSON objects from the engine, one per line (events, streamed stats),
/// decoded as they arrive. It ends when the engine ends the response and throws when the
/// connection fails or a line does not decode. Ending the iteration, or cancelling the task that
/// iterates, closes the connection.
public struct DockerJSONStream<Element: Decodable & Sendable>: AsyncSequence, Sendable {
    private let records: HTTPRecordStream
    private let request: String

    init(records: HTTPRecordStream, method: String, path: String) {
        self.records = records
        self.request = "\(method) \(path)"
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: records.makeAsyncIterator(), request: request)
    }

    /// Decodes one record per call.
    public struct Iterator: AsyncIteratorProtocol {
        var base: HTTPRecordStream.AsyncIterator
        let request: String

        public mutating func next() async throws -> Element? {
            guard let record = try await base.next() else { return nil }
            do {
                return try JSONDecoder().decode(Element.self, from: record)
            } catch {
                let parts = request.split(separator: " ", maxSplits: 1).map(String.init)
                throw DockerError.decoding(Element.self, error: error, data: record, method: parts.first ?? "", path: parts.last ?? "")
            }
        }
    }
}
