import ControlPlaneHTTP
import Foundation

/// Which output `logs` returns.
public struct LogOptions: Sendable, Hashable {
    /// Include stdout.
    public var stdout: Bool
    /// Include stderr.
    public var stderr: Bool
    /// Only the last this many lines; nil for all.
    public var tail: Int?
    /// Prefix every line with its RFC 3339 timestamp.
    public var timestamps: Bool
    /// Only output since this time (seconds since 1970).
    public var since: Int64?

    public init(stdout: Bool = true, stderr: Bool = true, tail: Int? = nil, timestamps: Bool = false, since: Int64? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.tail = tail
        self.timestamps = timestamps
        self.since = since
    }

    func query(follow: Bool) -> DockerQuery {
        [("stdout", stdout.flag), ("stderr", stderr.flag), ("follow", follow.flag), ("timestamps", timestamps.flag),
         ("tail", tail.map(String.init) ?? "all"), ("since", since.map(String.init))]
    }
}

/// A container's output so far, demultiplexed.
public struct ContainerLogs: Sendable, Hashable {
    /// The chunks in the order the container wrote them.
    public var chunks: [LogChunk]

    /// Everything written to stdout, as text.
    public var stdout: String { text(of: .stdout) }
    /// Everything written to stderr, as text.
    public var stderr: String { text(of: .stderr) }

    private func text(of stream: LogChunk.Stream) -> String {
        String(decoding: chunks.filter { $0.stream == stream }.reduce(into: Data()) { $0.append($1.data) }, as: UTF8.self)
    }
}

extension DockerClient {
    /// The container's output so far (`follow=false`), split into stdout and stderr.
    public func logs(_ id: String, options: LogOptions = LogOptions()) async throws -> ContainerLogs {
        let multiplexed = try await isMultiplexed(id)
        let response = try await perform(method: "GET", path: "/containers/\(Self.segment(id))/logs", query: options.query(follow: false))
        var decoder = LogFrameDecoder(multiplexed: multiplexed)
        return ContainerLogs(chunks: decoder.append(response.body))
    }

    /// The container's output as it is written (`follow=true`): what is there already (per
    /// `options.tail`), then every new write until the container stops. Cancel the iterating
    /// task, or stop iterating, to close the stream.
    public func followLogs(_ id: String, options: LogOptions = LogOptions()) async throws -> ContainerLogStream {
        let multiplexed = try await isMultiplexed(id)
        let (response, _) = try await openStream(path: "/containers/\(Self.segment(id))/logs", query: options.query(follow: true), raw: true)
        return ContainerLogStream(chunks: response.records, decoder: LogFrameDecoder(multiplexed: multiplexed))
    }

    /// Whether the log stream is framed: exactly when the container has no TTY. (From API 1.42
    /// the content type says so too, but engines before it label both kinds `raw-stream`.)
    private func isMultiplexed(_ id: String) async throws -> Bool {
        !(try await inspectContainer(id).config.tty ?? false)
    }
}

/// A container's output as it is written, demultiplexed into stdout and stderr chunks.
public struct ContainerLogStream: AsyncSequence, Sendable {
    let chunks: HTTPRecordStream
    let decoder: LogFrameDecoder

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: chunks.makeAsyncIterator(), decoder: decoder)
    }

    /// Yields one chunk of output per call.
    public struct Iterator: AsyncIteratorProtocol {
        var base: HTTPRecordStream.AsyncIterator
        var decoder: LogFrameDecoder
        var ready: [LogChunk] = []

        public mutating func next() async throws -> LogChunk? {
            while ready.isEmpty {
                guard let bytes = try await base.next() else { return nil }
                ready = decoder.append(bytes)
            }
            return ready.removeFirst()
        }
    }
}
