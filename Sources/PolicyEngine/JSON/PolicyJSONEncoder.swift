extension PolicyJSON {
    /// The JSON tree an `Encodable` value encodes to, built directly without producing text.
    /// Integers become numbers; `nil` optionals encoded with `encodeIfPresent` are left out.
    public init(encoding value: some Encodable) throws {
        let root = EncodingNode()
        try value.encode(to: TreeEncoder(node: root, codingPath: []))
        self = root.resolved
    }
}

/// A node of the tree being built; containers hand out child nodes and resolve at the end.
/// Children are stored in place (not in an enum payload) so appending stays O(1).
private final class EncodingNode {
    enum Kind {
        case empty
        case value
        case array
        case object
    }

    var kind = Kind.empty
    var value = PolicyJSON.null
    var elements: [EncodingNode] = []
    var members: [String: EncodingNode] = [:]

    var resolved: PolicyJSON {
        switch kind {
        case .empty: .object([:])
        case .value: value
        case .array: .array(elements.map(\.resolved))
        case .object: .object(members.mapValues(\.resolved))
        }
    }

    func set(_ newValue: PolicyJSON) {
        kind = .value
        value = newValue
    }

    func becomeObject() {
        if kind != .object { kind = .object; members = [:] }
    }

    func becomeArray() {
        if kind != .array { kind = .array; elements = [] }
    }

    func child(forKey key: String) -> EncodingNode {
        becomeObject()
        let node = EncodingNode()
        members[key] = node
        return node
    }

    func appendChild() -> EncodingNode {
        becomeArray()
        let node = EncodingNode()
        elements.append(node)
        return node
    }

    func store(_ value: some Encodable, codingPath: [CodingKey]) throws {
        switch value {
        case let value as PolicyJSON: set(value)
        case let value as String: set(.string(value))
        case let value as Bool: set(.bool(value))
        case let value as Double: set(.number(value))
        case let value as Float: set(.number(Double(value)))
        case let value as Int: set(.number(Double(value)))
        case let value as any BinaryInteger: set(.number(Double(value)))
        default: try value.encode(to: TreeEncoder(node: self, codingPath: codingPath))
        }
    }
}

private struct TreeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).set(.null) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        try node.child(forKey: key.stringValue).store(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        TreeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        TreeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        TreeEncoder(node: node.child(forKey: "super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        TreeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [CodingKey]
    var count: Int { node.elements.count }

    mutating func encodeNil() throws { node.appendChild().set(.null) }

    mutating func encode(_ value: some Encodable) throws {
        try node.appendChild().store(value, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node: node.appendChild(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        TreeEncoder(node: node.appendChild(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        TreeEncoder(node: node.appendChild(), codingPath: codingPath)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [CodingKey]

    mutating func encodeNil() throws { node.set(.null) }

    mutating func encode(_ value: some Encodable) throws {
        try node.store(value, codingPath: codingPath)
    }
}
