import Foundation
import KubeClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 client over a TCP socket, for reading streamed (chunked) watch responses
/// incrementally, which URLSession on Linux cannot do. Its blocking reads run on a dispatch queue
/// so they never hold a thread of the Swift concurrency pool the server's handlers run on.
final class RawHTTPConnection: @unchecked Sendable {
    private let queue = DispatchQueue(label: "RawHTTPConnection")
    private let descriptor: Int32
    private var raw: [UInt8] = []
    private var decoded: [UInt8] = []
    private var headerParsed = false
    private var chunked = false
    private(set) var statusCode = 0
    private(set) var headers: [String: String] = [:]
    private(set) var ended = false

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw Failure(description: "connect failed")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends a GET request.
    func get(_ pathAndQuery: String) throws {
        let text = "GET \(pathAndQuery) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw Failure(description: "send failed") }
    }

    /// The next line of the decoded body, waiting up to `timeout`; nil at the end of the body or on timeout.
    func nextLine(timeout: Duration = .seconds(5)) async -> String? {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.blockingNextLine(timeout: timeout)) }
        }
    }

    /// The next line parsed as JSON.
    func nextEvent(timeout: Duration = .seconds(5)) async -> JSONValue? {
        await nextLine(timeout: timeout).flatMap { try? JSONValue(parsing: Data($0.utf8)) }
    }

    /// Whether the response ends (the final chunk arrives) within `timeout`.
    func waitForEnd(timeout: Duration = .seconds(5)) async -> Bool {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.blockingWaitForEnd(timeout: timeout)) }
        }
    }

    private func blockingNextLine(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = decoded.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: decoded[..<newline], as: UTF8.self)
                decoded.removeSubrange(...newline)
                return line
            }
            if ended { return nil }
            let left = deadline - ContinuousClock.now
            guard left > .zero, receive(waiting: left) else { return nil }
            decode()
        }
    }

    private func blockingWaitForEnd(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !ended {
            let left = deadline - ContinuousClock.now
            guard left > .zero, receive(waiting: left) else { return ended }
            decode()
        }
        return true
    }

    private func receive(waiting: Duration) -> Bool {
        var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(1, waiting.components.seconds * 1000 + waiting.components.attoseconds / 1_000_000_000_000_000))
        guard poll(&descriptorSet, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 {
            ended = true
            return true
        }
        raw.append(contentsOf: buffer[..<count])
        return true
    }

    private func decode() {
        if !headerParsed {
            guard let end = findHeaderEnd() else { return }
            let head = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            statusCode = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            for line in head.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
            chunked = headers["transfer-encoding"]?.lowercased() == "chunked"
            raw.removeSubrange(..<(end + 4))
            headerParsed = true
        }
        guard chunked else {
            decoded.append(contentsOf: raw)
            raw.removeAll()
            return
        }
        while let lineEnd = findCRLF(from: 0) {
            let sizeText = String(decoding: raw[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return }
            if size == 0 {
                ended = true
                return
            }
            let start = lineEnd + 2
            guard raw.count >= start + size + 2 else { return }
            decoded.append(contentsOf: raw[start..<(start + size)])
            raw.removeSubrange(..<(start + size + 2))
        }
    }

    private func findHeaderEnd() -> Int? {
        guard raw.count >= 4 else { return nil }
        for index in 0...(raw.count - 4) where raw[index] == 13 && raw[index + 1] == 10 && raw[index + 2] == 13 && raw[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func findCRLF(from start: Int) -> Int? {
        guard raw.count >= start + 2 else { return nil }
        for index in start...(raw.count - 2) where raw[index] == 13 && raw[index + 1] == 10 { return index }
        return nil
    }
}
