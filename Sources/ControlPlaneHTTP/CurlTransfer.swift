import CCurl
import Foundation

/// The response head: what a streaming caller waits for before reading records.
struct ResponseHead: Sendable {
    var status: Int
    var headers: HTTPHeaders
}

/// One libcurl easy handle and the state of its transfer. Everything mutable is touched only on
/// the owning `CurlMultiLoop`'s thread, apart from the continuations, which are set before the
/// transfer is submitted.
final class CurlTransfer: @unchecked Sendable {
    enum Mode {
        /// Buffer the body; resume `completion` at the end.
        case buffered(CheckedContinuation<HTTPResponse, any Error>)
        /// Resume `head` when the headers are complete; deliver records as they arrive.
        case streaming(CheckedContinuation<ResponseHead, any Error>, AsyncThrowingStream<[Data], any Error>.Continuation)
        /// Like `streaming`, but deliver the body's bytes as they arrive, unsplit (Docker's
        /// multiplexed log frames, which are binary) when the response head satisfies the
        /// predicate; otherwise hold the body and hand it over whole, with the head, at the end
        /// (one hand-off to the caller instead of one per piece).
        case rawChunks(CheckedContinuation<ResponseHead, any Error>, AsyncThrowingStream<[Data], any Error>.Continuation,
                       streamWhen: @Sendable (HTTPHeaders) -> Bool)
    }

    let easy: UnsafeMutableRawPointer
    let method: String
    let url: String
    private var mode: Mode
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var headers = HTTPHeaders()
    private var headDelivered = false
    /// `rawChunks` only: the head did not ask for streaming, so the body is held to the end.
    private var holdsBody = false
    private var body = Data()
    private var splitter = LineSplitter()
    private var failure: TransportError?
    private var finished = false
    /// Set under the loop's lock by `CurlMultiLoop.cancel`.
    var cancelRequested = false

    init(easy: UnsafeMutableRawPointer, method: String, url: String, mode: Mode) {
        self.easy = easy
        self.method = method
        self.url = url
        self.mode = mode
        errorBuffer.initialize(to: 0)
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// The opaque pointer handed to libcurl's callbacks.
    var callbackContext: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    private var connectToList: UnsafeMutablePointer<curl_slist>?

    /// Keeps the header list alive for the transfer and frees it at the end.
    func adoptHeaderList(_ list: UnsafeMutablePointer<curl_slist>?) { headerList = list }

    /// Keeps the CONNECT_TO list alive for the transfer and frees it at the end.
    func adoptConnectTo(_ list: UnsafeMutablePointer<curl_slist>?) { connectToList = list }

    var errorBufferPointer: UnsafeMutablePointer<CChar> { errorBuffer }

    // MARK: Callbacks (loop thread)

    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Bool {
        switch HeaderLine(line) {
        case .statusLine:
            headers = HTTPHeaders()  // a new response (after 1xx or a redirect)
        case .end:
            var code = 0
            _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            if code >= 200 || code == 0 { deliverHead(status: code) }
        case .field(let name, let value):
            headers.add(name, value)
        case .other:
            break
        }
        return true
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch mode {
        case .buffered:
            body.append(contentsOf: bytes)
            return true
        case .streaming(_, let records):
            if !headDelivered {
                var code = 0
                _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
                deliverHead(status: code)
            }
            do {
                var batch: [Data] = []
                try splitter.append(bytes) { batch.append($0) }
                if !batch.isEmpty { records.yield(batch) }
                return true
            } catch {
                failure = .recordTooLarge(splitter.maxRecordBytes, method: method, url: url)
                return false
            }
        case .rawChunks(_, let chunks, _):
            if !headDelivered {
                var code = 0
                _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
                deliverHead(status: code)
            }
            if holdsBody {
                body.append(contentsOf: bytes)
            } else {
                chunks.yield([Data(bytes)])
            }
            return true
        }
    }

    private func deliverHead(status: Int) {
        guard !headDelivered else { return }
        headDelivered = true
        switch mode {
        case .streaming(let head, _):
            head.resume(returning: ResponseHead(status: status, headers: headers))
        case .rawChunks(let head, _, let streamWhen):
            if streamWhen(headers) {
                head.resume(returning: ResponseHead(status: status, headers: headers))
            } else {
                holdsBody = true
            }
        case .buffered:
            break
        }
    }

    // MARK: Completion (loop thread)

    /// Ends the transfer with libcurl's result code, or with a cancellation.
    func complete(code: CURLcode?) {
        guard !finished else { return }
        finished = true
        let error: TransportError?
        if let failure {
            error = failure
        } else if let code {
            if code == CURLE_OK {
                error = nil
            } else {
                let detail = String(cString: errorBuffer)
                let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
                error = .curl(code: Int(code.rawValue), message: message, method: method, url: url)
            }
        } else {
            error = .cancelled(method: method, url: url)
        }
        var status = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        switch mode {
        case .buffered(let completion):
            if let error {
                completion.resume(throwing: error)
            } else {
                completion.resume(returning: HTTPResponse(status: status, headers: headers, body: body))
            }
        case .streaming(let head, let records):
            if !headDelivered {
                headDelivered = true
                if let error {
                    head.resume(throwing: error)
                } else {
                    head.resume(returning: ResponseHead(status: status, headers: headers))
                }
            }
            if let error {
                records.finish(throwing: error)
            } else {
                splitter.finish { records.yield([$0]) }
                records.finish()
            }
        case .rawChunks(let head, let chunks, _):
            // The head is still owed when it never came or the body was held. A held body and the
            // end go into the stream first, so the caller reads them without waiting again.
            let headOwed = !headDelivered || holdsBody
            headDelivered = true
            if let error {
                chunks.finish(throwing: error)
                if headOwed { head.resume(throwing: error) }
            } else {
                if holdsBody, !body.isEmpty { chunks.yield([body]) }
                chunks.finish()
                if headOwed { head.resume(returning: ResponseHead(status: status, headers: headers)) }
            }
        }
        body = Data()
        curl_easy_cleanup(easy)
        if let headerList { curl_slist_free_all(headerList) }
        if let connectToList { curl_slist_free_all(connectToList) }
        headerList = nil
        connectToList = nil
    }
}

// libcurl's callbacks: plain C functions that find the transfer through their user pointer.

let curlWriteCallback: ccurl_data_callback = { buffer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
    return transfer.receiveBody(bytes) ? length : 0
}

let curlHeaderCallback: ccurl_data_callback = { buffer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
    return transfer.receiveHeaderLine(bytes) ? length : 0
}
