/// One server-sent event: its type (`message` when none was named), its data, and its id.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field, or `message`.
    public var event: String
    /// The `data:` lines joined with newlines.
    public var data: String
    /// The `id:` field, if any.
    public var id: String?

    /// An event of type `event` carrying `data`.
    public init(event: String = "message", data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }

    /// The event as it is written on the wire, ending with the blank line.
    public var wireFormat: String {
        var text = ""
        if let id { text += "id: \(id)\n" }
        if event != "message" { text += "event: \(event)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        return text + "\n"
    }
}

/// An incremental parser of a `text/event-stream` body (the WHATWG rules: lines ending in LF, CR or
/// CRLF; comments start with a colon; a blank line ends an event). Feed it bytes as they arrive.
public struct SSEParser: Sendable {
    private var buffer: [UInt8] = []
    private var data: [String] = []
    private var event: String?
    private var id: String?
    private var lastWasCR = false
    /// The largest event the parser holds before dropping it (a peer cannot make it grow unbounded).
    public var maximumEventBytes: Int

    /// A parser that drops events larger than `maximumEventBytes`.
    public init(maximumEventBytes: Int = 16 << 20) { self.maximumEventBytes = maximumEventBytes }

    /// Consumes `bytes` and returns the events they completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if byte == 0x0A && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                if let completed = processLine() { events.append(completed) }
                buffer.removeAll(keepingCapacity: true)
            } else if buffer.count < maximumEventBytes {
                buffer.append(byte)
            }
        }
        return events
    }

    private mutating func processLine() -> SSEEvent? {
        if buffer.isEmpty {
            defer { data = []; event = nil }
            guard !data.isEmpty else { return nil }
            return SSEEvent(event: event ?? "message", data: data.joined(separator: "\n"), id: id)
        }
        if buffer.first == UInt8(ascii: ":") { return nil }
        let line = String(decoding: buffer, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = line[...]
            value = ""
        }
        switch field {
        case "data": data.append(String(value))
        case "event": event = String(value)
        case "id": id = String(value)
        default: break
        }
        return nil
    }
}
