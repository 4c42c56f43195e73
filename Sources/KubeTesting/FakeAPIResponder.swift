import Foundation
import Hummingbird
import KubeClient
import NIOCore

/// The HTTP face of the fake server: records each request, injects faults, resolves the URL
/// and hands the work to the store. It holds no state of its own.
struct FakeAPIResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let store: FakeStore
    let recorder: RequestRecorder
    let faults: FaultInjector
    /// When set, every request must carry `Authorization: Bearer <token>`.
    let bearerToken: String?
    /// RBAC for the users bound to tokens.
    let authorizer: RBACAuthorizer

    @Sendable func respond(to request: Request, context: Context) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 << 20)
        let data = Data(buffer.readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, query: FakeAPIResponder.parseQuery(request.uri.query),
            contentType: headers["content-type"], body: data.isEmpty ? nil : data, headers: headers, timestamp: Date())
        recorder.append(recorded)

        let latency = faults.latency
        if latency > .zero { try await Task.sleep(for: latency) }
        if let failure = faults.failure(for: recorded) { return FakeAPIResponder.response(failure) }
        if let bearerToken, headers["authorization"] != "Bearer \(bearerToken)" {
            return FakeAPIResponder.response(FakeAPIError(code: 401, reason: "Unauthorized", message: "Unauthorized"))
        }
        do {
            return try route(recorded, body: data)
        } catch {
            return FakeAPIResponder.response(error)
        }
    }

    private func route(_ request: RecordedRequest, body: Data) throws(FakeAPIError) -> Response {
        let (resolved, types) = store.inspect { core in
            (APIRequestPath.resolve(request.path) { core.types[RegisteredType.key(group: $0, version: $1, plural: $2)] },
             Array(core.types.values))
        }
        guard let (target, legacyWatch) = resolved else { throw .routeNotFound }
        if let denial = authorizer.check(request, target: target, watch: legacyWatch) {
            throw FakeAPIError(code: 403, reason: "Forbidden", message: denial.description)
        }
        let query = request.query
        let context = WriteContext(
            fieldManager: query["fieldManager"], userAgent: request.headers["user-agent"],
            force: query["force"].map { $0 == "true" || $0 == "1" }, dryRun: query["dryRun"] == "All")
        let method = request.method
        switch target {
        case .version:
            return FakeAPIResponder.json(Discovery.version)
        case .health:
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
        case .coreVersions:
            return FakeAPIResponder.json(Discovery.coreVersions(types))
        case .groups:
            return FakeAPIResponder.json(Discovery.groups(types))
        case .resourceList(let group, let version):
            guard let list = Discovery.resourceList(group: group, version: version, types) else { throw .routeNotFound }
            return FakeAPIResponder.json(list)
        case .collection(let type, let namespace):
            switch method {
            case "GET":
                if legacyWatch || request.isWatch { return try watch(type, namespace: namespace, query: query, name: nil) }
                let options = try listOptions(type, query)
                return FakeAPIResponder.json(try store.read { core throws(FakeAPIError) in try core.list(type, namespace: namespace, options: options) })
            case "POST":
                let object = try FakeAPIResponder.parse(body)
                let created = try store.write(dryRun: context.dryRun) { core throws(FakeAPIError) in
                    try core.create(type, namespace: namespace, body: object, context: context)
                }
                return FakeAPIResponder.json(created, status: .created)
            case "DELETE":
                return FakeAPIResponder.json(try deleteCollection(type, namespace: namespace, query: query, body: body, dryRun: context.dryRun))
            default:
                throw .methodNotAllowed
            }
        case .object(let type, let namespace, let name, let subresource):
            return try objectRequest(type, namespace: namespace, name: name, subresource: subresource, request: request,
                                     body: body, context: context, watch: legacyWatch || request.isWatch)
        }
    }

    private func objectRequest(_ type: ResourceType, namespace: String?, name: String, subresource: String?,
                               request: RecordedRequest, body: Data, context: WriteContext, watch: Bool) throws(FakeAPIError) -> Response {
        let isStatus = subresource == "status"
        switch (request.method, subresource) {
        case ("GET", "scale"):
            return FakeAPIResponder.json(try store.read { core throws(FakeAPIError) in try core.scale(type, namespace: namespace, name: name) })
        case ("GET", _):
            if watch { return try self.watch(type, namespace: namespace, query: request.query, name: name) }
            return FakeAPIResponder.json(try store.read { core throws(FakeAPIError) in
                try core.existing(core.registration(type), namespace: namespace ?? "", name: name)
            })
        case ("PUT", "scale"):
            let object = try FakeAPIResponder.parse(body)
            return FakeAPIResponder.json(try store.write(dryRun: context.dryRun) { core throws(FakeAPIError) in
                try core.updateScale(type, namespace: namespace, name: name, body: object, context: context)
            })
        case ("PUT", _):
            let object = try FakeAPIResponder.parse(body)
            return FakeAPIResponder.json(try store.write(dryRun: context.dryRun) { core throws(FakeAPIError) in
                try core.update(type, namespace: namespace, name: name, body: object, status: isStatus, context: context)
            })
        case ("PATCH", _):
            let contentType = request.contentType ?? ""
            guard let patchType = PatchType(contentType: contentType) else { throw .unsupportedMediaType(contentType) }
            if subresource == "scale" {
                return FakeAPIResponder.json(try store.write(dryRun: context.dryRun) { core throws(FakeAPIError) in
                    try core.patchScale(type, namespace: namespace, name: name, patchType: patchType, body: body, context: context)
                })
            }
            let (object, created) = try store.write(dryRun: context.dryRun) { core throws(FakeAPIError) in
                try core.patch(type, namespace: namespace, name: name, patchType: patchType, body: body, status: isStatus, context: context)
            }
            return FakeAPIResponder.json(object, status: created ? .created : .ok)
        case ("DELETE", nil):
            let options = try DeleteOptions(query: request.query, body: body.isEmpty ? nil : try FakeAPIResponder.parse(body))
            let (outcome, registration) = try store.write(dryRun: context.dryRun) { core throws(FakeAPIError) in
                (try core.delete(type, namespace: namespace, name: name, options: options), try core.registration(type))
            }
            return FakeAPIResponder.json(FakeAPIResponder.deleteBody(outcome, registration))
        default:
            throw .methodNotAllowed
        }
    }

    /// DELETE on a collection: deletes every object the selectors match, answering with them as a list.
    private func deleteCollection(_ type: ResourceType, namespace: String?, query: [String: String], body: Data,
                                  dryRun: Bool) throws(FakeAPIError) -> JSONValue {
        var options = try listOptions(type, query)
        options.limit = nil
        options.continueToken = nil
        let deleteOptions = try DeleteOptions(query: query, body: body.isEmpty ? nil : try FakeAPIResponder.parse(body))
        let listOptions = options
        return try store.write(dryRun: dryRun) { core throws(FakeAPIError) in
            var list = try core.list(type, namespace: namespace, options: listOptions)
            var deleted: [JSONValue] = []
            let registration = try core.registration(type)
            for item in list["items"]?.arrayValue ?? [] {
                let name = item.metadataName
                guard let current = core.stored(registration, namespace: item.metadataNamespace, name: name) else { continue }
                switch core.deleteObject(registration, current, propagation: deleteOptions.propagation) {
                case .deleted(let object), .pending(let object): deleted.append(object)
                }
            }
            list["items"] = .array(deleted)
            return list
        }
    }

    /// The body of a DELETE answer: the object, or a `Success` Status for types that do not return it.
    static func deleteBody(_ outcome: DeleteOutcome, _ registration: RegisteredType) -> JSONValue {
        switch outcome {
        case .pending(let object):
            return object
        case .deleted(let object):
            if registration.returnsDeletedObject { return object }
            return [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                "details": [
                    "name": .string(object.metadataName), "group": .string(registration.type.group),
                    "kind": .string(registration.type.plural), "uid": .string(object.metadataUID),
                ],
            ]
        }
    }

    func listOptions(_ type: ResourceType, _ query: [String: String]) throws(FakeAPIError) -> ListOptions {
        let fields = store.inspect { try? $0.registration(type) }?.selectableFields ?? []
        var options = ListOptions()
        if let text = query["labelSelector"] { options.labelSelector = try LabelSelector(parsing: text) }
        if let text = query["fieldSelector"] { options.fieldSelector = try FieldSelector(parsing: text, supportedFields: fields) }
        if let text = query["limit"], !text.isEmpty {
            guard let limit = Int(text), limit >= 0 else { throw .badRequest("invalid limit: \(text)") }
            options.limit = limit
        }
        options.continueToken = query["continue"]
        return options
    }

    // MARK: Encoding

    static func parse(_ body: Data) throws(FakeAPIError) -> JSONValue {
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw .badRequest("couldn't get version/kind; json parse error: \(error)")
        }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.jsonString())))
    }

    static func response(_ error: any Error) -> Response {
        let failure = (error as? FakeAPIError) ?? .internalError(String(describing: error))
        var response = json(failure.json, status: HTTPResponse.Status(code: failure.code))
        if let seconds = failure.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// Splits a query string into decoded name/value pairs (`+` reads as a space).
    static func parseQuery(_ query: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
