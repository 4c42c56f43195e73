/// A health check the kubelet runs against a container; set one action.
public struct Probe: Codable, Sendable, Hashable {
    public var exec: ExecAction?
    public var httpGet: HTTPGetAction?
    public var tcpSocket: TCPSocketAction?
    public var grpc: GRPCAction?
    public var initialDelaySeconds: Int?
    public var timeoutSeconds: Int?
    public var periodSeconds: Int?
    public var successThreshold: Int?
    public var failureThreshold: Int?
    public var terminationGracePeriodSeconds: Int64?

    public init(
        exec: ExecAction? = nil,
        httpGet: HTTPGetAction? = nil,
        tcpSocket: TCPSocketAction? = nil,
        grpc: GRPCAction? = nil,
        initialDelaySeconds: Int? = nil,
        timeoutSeconds: Int? = nil,
        periodSeconds: Int? = nil,
        successThreshold: Int? = nil,
        failureThreshold: Int? = nil,
        terminationGracePeriodSeconds: Int64? = nil
    ) {
        self.exec = exec
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.grpc = grpc
        self.initialDelaySeconds = initialDelaySeconds
        self.timeoutSeconds = timeoutSeconds
        self.periodSeconds = periodSeconds
        self.successThreshold = successThreshold
        self.failureThreshold = failureThreshold
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
    }
}

/// Runs a command in the container; exit status 0 is success.
public struct ExecAction: Codable, Sendable, Hashable {
    public var command: [String]?

    public init(command: [String]? = nil) {
        self.command = command
    }
}

/// An HTTP GET against the container; a status in 200..<400 is success.
public struct HTTPGetAction: Codable, Sendable, Hashable {
    public var path: String?
    /// By number or by container port name.
    public var port: IntOrString
    public var host: String?
    /// `HTTP` (the default) or `HTTPS`.
    public var scheme: String?
    public var httpHeaders: [HTTPHeader]?

    public init(
        path: String? = nil,
        port: IntOrString,
        host: String? = nil,
        scheme: String? = nil,
        httpHeaders: [HTTPHeader]? = nil
    ) {
        self.path = path
        self.port = port
        self.host = host
        self.scheme = scheme
        self.httpHeaders = httpHeaders
    }
}

/// A header an HTTP probe sends.
public struct HTTPHeader: Codable, Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Opens a TCP connection to the container; success if it connects.
public struct TCPSocketAction: Codable, Sendable, Hashable {
    public var port: IntOrString
    public var host: String?

    public init(port: IntOrString, host: String? = nil) {
        self.port = port
        self.host = host
    }
}

/// Calls the gRPC health-checking service of the container.
public struct GRPCAction: Codable, Sendable, Hashable {
    public var port: Int
    public var service: String?

    public init(port: Int, service: String? = nil) {
        self.port = port
        self.service = service
    }
}
