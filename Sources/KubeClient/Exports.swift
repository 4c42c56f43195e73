// The API types (ObjectMeta, typed kinds, JSONValue, ResourceType) live in the pure KubeModel
// module so layer-0 code can use them without the client; users of the client get them with it.
@_exported import KubeModel
