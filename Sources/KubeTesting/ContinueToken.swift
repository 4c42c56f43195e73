import Foundation
import KubeClient

/// The opaque `continue` token of a paged list, in the real server's format: unpadded
/// URL-safe base64 of `{"v":"meta.k8s.io/v1","rv":<list version>,"start":"<last key>\u0000"}`.
struct ContinueToken: Sendable, Hashable {
    /// The resource version the first page was read at; later pages read the same snapshot.
    var resourceVersion: Int
    /// The storage key of the last object returned; the next page starts after it.
    var lastKey: String

    init(resourceVersion: Int, lastKey: String) {
        self.resourceVersion = resourceVersion
        self.lastKey = lastKey
    }

    /// Decodes a token; a malformed one is a 400 as in the real server.
    init(decoding text: String) throws(FakeAPIError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let json = try? JSONValue(parsing: data),
              json["v"]?.stringValue == "meta.k8s.io/v1", let version = json["rv"]?.intValue,
              let start = json["start"]?.stringValue, start.hasSuffix("\u{0}") else {
            throw .badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        resourceVersion = version
        lastKey = String(start.dropLast())
    }

    /// The token text.
    var encoded: String {
        let json: JSONValue = ["v": "meta.k8s.io/v1", "rv": .number(Double(resourceVersion)), "start": .string(lastKey + "\u{0}")]
        let data = (try? json.canonicalData()) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
