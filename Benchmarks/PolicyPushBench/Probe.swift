import ControlPlaneHTTP
import Foundation

/// Asks a gateway what it enforces (`GET /admin/policy`).
struct ControlPlaneHTTPProbe {
    let transport = HTTPTransport()

    func version(adminPort: Int) async throws -> String? {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer \(token)")
        let response = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(adminPort)/admin/policy", headers: headers,
                                                            timeout: .seconds(5)))
        guard response.status == 200 else { return nil }
        return (try JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["version"] as? String
    }
}
