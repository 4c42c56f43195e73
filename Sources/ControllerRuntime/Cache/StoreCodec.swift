import Foundation
import KubeClient

/// How a `Store` may hold its objects compactly: as their JSON encoding, one allocation per
/// object, instead of the decoded value (one allocation per string longer than 15 bytes, per
/// array and per dictionary inside it, and the value's full inline size in the store's table).
/// Reads decode again; a reconciler reads a handful of objects per reconcile, while the cache
/// holds every object of every watched kind for the life of the process.
public struct StoreCodec<T>: Sendable {
    /// Encodes an object, or nil when it cannot be (it is then held as a value).
    public var encode: @Sendable (T) -> Data?
    /// Decodes what `encode` made.
    public var decode: @Sendable (Data) -> T?

    /// Makes a codec from two functions.
    public init(encode: @escaping @Sendable (T) -> Data?, decode: @escaping @Sendable (Data) -> T?) {
        self.encode = encode
        self.decode = decode
    }
}

extension StoreCodec where T: Codable {
    /// JSON through Foundation's encoder and decoder.
    public static var json: StoreCodec<T> {
        StoreCodec(encode: { try? JSONEncoder().encode($0) }, decode: { try? JSONDecoder().decode(T.self, from: $0) })
    }
}

/// A cached object: its value (boxed, so the store's table holds one reference per object
/// whatever the size of `T`) or its encoding, with the resourceVersion that tells a replayed
/// event from a change without decoding.
struct StoredObject<T>: @unchecked Sendable {
    enum Form {
        case value(Box<T>)
        case encoded(Data)
    }

    var form: Form
    var resourceVersion: String?

    init(_ object: T, resourceVersion: String?, codec: StoreCodec<T>?) {
        self.resourceVersion = resourceVersion
        if let codec, let data = codec.encode(object) {
            // A copy sized to the bytes: the encoder's buffer may have spare capacity.
            form = .encoded(Data(data))
        } else {
            form = .value(Box(object))
        }
    }

    /// The object (decoded again when held encoded); nil only if a codec's decode fails.
    func object(_ codec: StoreCodec<T>?) -> T? {
        switch form {
        case .value(let box): return box.value
        case .encoded(let data): return codec?.decode(data)
        }
    }

    /// Whether the object is held as its encoding.
    var isEncoded: Bool {
        if case .encoded = form { return true }
        return false
    }
}

/// A reference to an immutable value.
final class Box<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
