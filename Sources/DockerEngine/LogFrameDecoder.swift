import Foundation

/// One piece of container output: which stream it came from and its bytes.
public struct LogChunk: Sendable, Hashable {
    /// The stream a chunk of container output came from.
    public enum Stream: UInt8, Sendable, Hashable {
        /// Standard input (echoed back only when attached with a TTY).
        case stdin = 0
        /// Standard output.
        case stdout = 1
        /// Standard error.
        case stderr = 2
    }

    /// Where the bytes were written.
    public var stream: Stream
    /// The bytes, as the container wrote them (with a timestamp per line when asked for).
    public var data: Data

    public init(stream: Stream, data: Data) {
        self.stream = stream
        self.data = data
    }

    /// The bytes as UTF-8 text (invalid sequences replaced).
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// Splits the engine's multiplexed log stream into chunks. Without a TTY every write is framed
/// by an 8-byte header: the stream (1 stdout, 2 stderr), three zero bytes, and the payload
/// length as a big-endian UInt32. Bytes may arrive in any split; the decoder keeps the
/// incomplete rest until more arrive. With a TTY there is no framing (`multiplexed: false`) and
/// everything is stdout.
public struct LogFrameDecoder: Sendable {
    private var pending = Data()
    /// Whether the stream carries frame headers.
    public let multiplexed: Bool

    public init(multiplexed: Bool = true) {
        self.multiplexed = multiplexed
    }

    /// Feeds bytes and returns the chunks they complete.
    public mutating func append(_ bytes: Data) -> [LogChunk] {
        guard multiplexed else { return bytes.isEmpty ? [] : [LogChunk(stream: .stdout, data: bytes)] }
        pending.append(bytes)
        var chunks: [LogChunk] = []
        var offset = pending.startIndex
        while pending.endIndex - offset >= 8 {
            let kind = pending[offset]
            let length = pending[(offset + 4)..<(offset + 8)].reduce(0) { ($0 << 8) | Int($1) }
            guard pending.endIndex - offset - 8 >= length else { break }
            let payload = pending[(offset + 8)..<(offset + 8 + length)]
            // An unknown stream number is shown as stdout rather than dropped.
            chunks.append(LogChunk(stream: LogChunk.Stream(rawValue: kind) ?? .stdout, data: Data(payload)))
            offset += 8 + length
        }
        pending = Data(pending[offset...])
        return chunks
    }

    /// Whether bytes of an incomplete frame are left (the stream ended mid-frame).
    public var hasIncompleteFrame: Bool { !pending.isEmpty }
}
