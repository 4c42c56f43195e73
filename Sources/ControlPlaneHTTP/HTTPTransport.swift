import CCurl
import Foundation

/// Settings shared by every request of one transport.
public struct HTTPTransportConfiguration: Sendable {
    /// TLS settings for HTTPS endpoints.
    public var tls: TLSConfiguration
    /// Connect through this unix socket instead of TCP (the Docker Engine's `/var/run/docker.sock`).
    public var unixSocketPath: String?
    /// Time allowed to establish a connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Default total time for buffered requests.
    public var requestTimeout: Duration
    /// TCP keepalive: idle time before the first probe, and the interval between probes.
    public var keepAliveInterval: Duration
    /// Idle connections kept for reuse.
    public var maxIdleConnections: Int
    /// Ask for gzip/deflate/brotli/zstd bodies (the API server compresses large lists).
    public var acceptCompression: Bool
    /// Which proxy each request uses (by default from the process's `HTTP(S)_PROXY` / `NO_PROXY`,
    /// as kubectl does; loopback hosts and unix sockets always connect directly).
    public var proxy: ProxySelection

    public init(
        tls: TLSConfiguration = TLSConfiguration(), unixSocketPath: String? = nil,
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60),
        keepAliveInterval: Duration = .seconds(30), maxIdleConnections: Int = 32, acceptCompression: Bool = true,
        proxy: ProxySelection = ProxySelection()
    ) {
        self.tls = tls
        self.unixSocketPath = unixSocketPath
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.keepAliveInterval = keepAliveInterval
        self.maxIdleConnections = maxIdleConnections
        self.acceptCompression = acceptCompression
        self.proxy = proxy
    }
}

/// The HTTP transport of the control plane, on libcurl: every client of the Kubernetes API,
/// the Docker Engine and feed servers goes through one of these. Requests run concurrently on
/// one background thread with pooled connections; cancelling the calling task aborts the transfer.
public final class HTTPTransport: Sendable {
    /// The settings this transport was made with.
    public let configuration: HTTPTransportConfiguration
    let loop: CurlMultiLoop

    public init(configuration: HTTPTransportConfiguration = HTTPTransportConfiguration()) {
        self.configuration = configuration
        self.loop = CurlMultiLoop(maxConnections: configuration.maxIdleConnections)
    }

    deinit {
        loop.shutdown()
    }

    /// Throws the transport's own cancellation error (as a transfer cancelled midway does) when the
    /// calling task is already cancelled, so callers see one error type either way.
    private static func checkCancellation(_ request: HTTPRequest) throws {
        if Task.isCancelled { throw TransportError.cancelled(method: request.method, url: request.url) }
    }

    /// Sends a request and returns the complete response, whatever its status.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Self.checkCancellation(request)
        let holder = TransferHolder()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                do {
                    let transfer = try makeTransfer(request, streaming: false, mode: .buffered(continuation))
                    if holder.set(transfer) { loop.cancel(transfer) }
                    loop.submit(transfer)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            if let transfer = holder.cancel() { loop.cancel(transfer) }
        }
    }

    /// Sends a request and returns as soon as the response head arrives; the body follows as
    /// newline-delimited records.
    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamResponse {
        try Self.checkCancellation(request)
        let (records, recordsContinuation) = HTTPRecordStream.makeStream()
        let holder = TransferHolder()
        let loop = self.loop
        recordsContinuation.onTermination = { _ in
            if let transfer = holder.cancel() { loop.cancel(transfer) }
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ResponseHead, any Error>) in
                do {
                    let transfer = try makeTransfer(request, streaming: true, mode: .streaming(continuation, recordsContinuation))
                    if holder.set(transfer) { loop.cancel(transfer) }
                    loop.submit(transfer)
                } catch {
                    continuation.resume(throwing: error)
                    recordsContinuation.finish(throwing: error)
                }
            }
        } onCancel: {
            if let transfer = holder.cancel() { loop.cancel(transfer) }
        }
        return HTTPStreamResponse(status: head.status, headers: head.headers, records: records)
    }

    func makeTransfer(_ request: HTTPRequest, streaming: Bool, mode: CurlTransfer.Mode) throws -> CurlTransfer {
        guard let easy = curl_easy_init() else {
            throw TransportError.setup("curl_easy_init failed", method: request.method, url: request.url)
        }
        let transfer = CurlTransfer(easy: easy, method: request.method, url: request.url, mode: mode)
        do {
            try configure(easy, transfer: transfer, request: request, streaming: streaming)
        } catch {
            curl_easy_cleanup(easy)
            throw error
        }
        return transfer
    }

    private func configure(_ easy: UnsafeMutableRawPointer, transfer: CurlTransfer, request: HTTPRequest, streaming: Bool) throws {
        var failed: CURLoption?
        func set(_ option: CURLoption, _ value: Int) {
            if ccurl_setopt_long(easy, option, value) != CURLE_OK { failed = failed ?? option }
        }
        func set(_ option: CURLoption, _ value: String) {
            let ok = value.withCString { ccurl_setopt_ptr(easy, option, $0) }  // libcurl copies strings
            if ok != CURLE_OK { failed = failed ?? option }
        }
        func setBlob(_ option: CURLoption, _ data: Data) {
            let ok = data.withUnsafeBytes { ccurl_setopt_blob(easy, option, $0.baseAddress, $0.count) }  // CURL_BLOB_COPY
            if ok != CURLE_OK { failed = failed ?? option }
        }

        let tls = request.tls ?? configuration.tls
        var url = request.url
        if let serverName = tls.serverName, var components = URLComponents(string: url), let host = components.host {
            // Send SNI and verify the certificate for serverName while connecting to the URL's host.
            let port = components.port ?? (components.scheme == "https" ? 443 : 80)
            components.host = serverName
            url = components.string ?? url
            set(CURLOPT_PORT, port)
            let connectTo = curl_slist_append(nil, "\(serverName):\(port):\(host):\(port)")
            _ = ccurl_setopt_ptr(easy, CURLOPT_CONNECT_TO, connectTo)
            transfer.adoptConnectTo(connectTo)
        }
        set(CURLOPT_URL, url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_NOPROGRESS, 1)
        _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, transfer.errorBufferPointer)
        _ = ccurl_setopt_write_function(easy, curlWriteCallback)
        _ = ccurl_setopt_ptr(easy, CURLOPT_WRITEDATA, transfer.callbackContext)
        _ = ccurl_setopt_header_function(easy, curlHeaderCallback)
        _ = ccurl_setopt_ptr(easy, CURLOPT_HEADERDATA, transfer.callbackContext)
        if let socket = configuration.unixSocketPath { set(CURLOPT_UNIX_SOCKET_PATH, socket) }
        // Always set, so libcurl's own reading of the environment never applies.
        if configuration.unixSocketPath == nil, let proxy = configuration.proxy.proxy(for: request.url) {
            set(CURLOPT_PROXY, proxy)
        } else {
            set(CURLOPT_NOPROXY, "*")
        }

        set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        if streaming {
            if let idle = request.idleTimeout {
                // Abort when fewer than 1 byte/s arrived over the idle window.
                set(CURLOPT_LOW_SPEED_LIMIT, 1)
                set(CURLOPT_LOW_SPEED_TIME, max(1, Int((idle.milliseconds + 999) / 1000)))
            }
        } else {
            set(CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.requestTimeout).milliseconds)
        }
        set(CURLOPT_TCP_KEEPALIVE, 1)
        let keepAlive = max(1, Int(configuration.keepAliveInterval.milliseconds / 1000))
        set(CURLOPT_TCP_KEEPIDLE, keepAlive)
        set(CURLOPT_TCP_KEEPINTVL, keepAlive)
        if configuration.acceptCompression { set(CURLOPT_ACCEPT_ENCODING, "") }

        if tls.insecureSkipVerify {
            set(CURLOPT_SSL_VERIFYPEER, 0)
            set(CURLOPT_SSL_VERIFYHOST, 0)
        } else {
            set(CURLOPT_SSL_VERIFYPEER, 1)
            set(CURLOPT_SSL_VERIFYHOST, 2)
        }
        if let ca = tls.certificateAuthorityPEM {
            // Trust exactly this bundle, not the system store as well (client-go's behaviour).
            setBlob(CURLOPT_CAINFO_BLOB, ca)
            _ = ccurl_setopt_ptr(easy, CURLOPT_CAPATH, nil)
        } else if let bundle = SystemTrustStore.bundle {
            set(CURLOPT_CAINFO, bundle)
        }
        if let certificate = tls.clientCertificatePEM {
            setBlob(CURLOPT_SSLCERT_BLOB, certificate)
            set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = tls.clientKeyPEM {
            setBlob(CURLOPT_SSLKEY_BLOB, key)
            set(CURLOPT_SSLKEYTYPE, "PEM")
        }

        let method = request.method.uppercased()
        switch method {
        case "GET": set(CURLOPT_HTTPGET, 1)
        case "HEAD": set(CURLOPT_NOBODY, 1)
        case "POST": set(CURLOPT_POST, 1)
        default: set(CURLOPT_CUSTOMREQUEST, method)
        }
        if let body = request.body {
            set(CURLOPT_POSTFIELDSIZE, body.count)
            let ok = body.withUnsafeBytes { ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)) }
            if ok != CURLE_OK { failed = failed ?? CURLOPT_COPYPOSTFIELDS }
        } else if method == "POST" || method == "PUT" || method == "PATCH" {
            set(CURLOPT_POSTFIELDSIZE, 0)
            _ = ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, "")
        }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for field in request.headers {
            guard !field.name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }),
                  !field.value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                curl_slist_free_all(list)
                throw TransportError.invalidRequest("header \(field.name.debugDescription) holds a line break or colon", method: request.method, url: request.url)
            }
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        list = curl_slist_append(list, "Expect:")  // no 100-continue round trip for large bodies
        transfer.adoptHeaderList(list)
        _ = ccurl_setopt_ptr(easy, CURLOPT_HTTPHEADER, list)

        if let failed {
            throw TransportError.setup("libcurl rejected option \(failed.rawValue)", method: request.method, url: request.url)
        }
    }
}

/// Lets a cancellation handler find the transfer that the operation made, whichever of the two
/// runs first.
final class TransferHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var value: CurlTransfer?
    private var cancelled = false

    /// Records the transfer; true when a cancellation already came.
    func set(_ transfer: CurlTransfer) -> Bool {
        lock.withLock {
            value = transfer
            return cancelled
        }
    }

    /// Marks the holder cancelled and returns the transfer, when there is one yet.
    func cancel() -> CurlTransfer? {
        lock.withLock {
            cancelled = true
            return value
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
