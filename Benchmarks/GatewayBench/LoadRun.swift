import ControlPlaneHTTP
import Foundation

/// A fixed-concurrency load: `concurrency` workers, each sending its next request as soon as the
/// last one is answered, for `duration` after a warm-up. One HTTP transport (keep-alive
/// connections) carries every request, whatever the target.
struct LoadRun {
    /// What one worker sends: the URL, the headers, and a body per request index.
    struct Target: Sendable {
        var name: String
        var url: String
        /// Headers for worker `index` (a session id per worker, for instance).
        var headers: @Sendable (Int) -> HTTPHeaders
    }

    struct Result {
        var name: String
        var requests: Int
        var failures: Int
        var seconds: Double
        /// Sorted latencies in nanoseconds.
        var latencies: [UInt64]
        var firstFailure: String?

        var requestsPerSecond: Double { Double(requests) / seconds }
        func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return Double(latencies[min(latencies.count - 1, Int(Double(latencies.count - 1) * fraction))]) / 1e6
        }
    }

    var concurrency: Int
    var warmUp: Duration
    var duration: Duration
    let transport: HTTPTransport

    /// The `tools/call` body every target receives.
    static func body(worker: Int, index: Int) -> Data {
        Data(#"{"jsonrpc":"2.0","id":\#(index),"method":"tools/call","params":{"name":"\#(LargePolicy.allowedTool)","arguments":{"query":"weather in Berlin tomorrow","worker":\#(worker)}}}"#.utf8)
    }

    /// Whether an answer is a successful `tools/call` result.
    static func succeeded(_ response: HTTPResponse) -> Bool {
        response.status == 200 && response.body.range(of: Data(#""result""#.utf8)) != nil
            && response.body.range(of: Data(#""isError":true"#.utf8)) == nil
    }

    func run(_ target: Target) async -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let measureFrom = start + warmUp
        let end = measureFrom + duration
        let transport = self.transport
        let perWorker = await withTaskGroup(of: (Int, Int, [UInt64], String?).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    let headers = target.headers(worker)
                    var requests = 0
                    var failures = 0
                    var firstFailure: String?
                    var latencies: [UInt64] = []
                    latencies.reserveCapacity(100_000)
                    var index = 0
                    while clock.now < end {
                        index += 1
                        let request = HTTPRequest(method: "POST", url: target.url, headers: headers, body: Self.body(worker: worker, index: index),
                                                  timeout: .seconds(30))
                        let sent = clock.now
                        let ok: Bool
                        var detail: String?
                        do {
                            let response = try await transport.send(request)
                            ok = Self.succeeded(response)
                            if !ok { detail = "HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))" }
                        } catch {
                            ok = false
                            detail = "\(error)"
                        }
                        let answered = clock.now
                        guard sent >= measureFrom, answered <= end else { continue }
                        requests += 1
                        let (seconds, attoseconds) = (answered - sent).components
                        latencies.append(UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000))
                        if !ok {
                            failures += 1
                            if firstFailure == nil { firstFailure = detail }
                        }
                    }
                    return (requests, failures, latencies, firstFailure)
                }
            }
            var all: (Int, Int, [UInt64], String?) = (0, 0, [], nil)
            for await (requests, failures, latencies, firstFailure) in group {
                all.0 += requests
                all.1 += failures
                all.2 += latencies
                all.3 = all.3 ?? firstFailure
            }
            return all
        }
        let (seconds, attoseconds) = duration.components
        return Result(name: target.name, requests: perWorker.0, failures: perWorker.1,
                      seconds: Double(seconds) + Double(attoseconds) / 1e18, latencies: perWorker.2.sorted(), firstFailure: perWorker.3)
    }
}
