import Foundation

/// A POSIX ustar archive built in memory: what `putArchive` uploads into a container (a policy
/// file, a token) and what `importImage` takes as a root filesystem. Regular files and
/// directories only; every entry is owned by `uid`/`gid` (numeric, no names).
public struct TarArchive: Sendable, Hashable {
    /// One member of the archive.
    public struct Entry: Sendable, Hashable {
        /// The path inside the archive, relative (`policy/policy.json`), at most 255 bytes.
        public var path: String
        /// The file's bytes; nil for a directory.
        public var contents: Data?
        /// Permission bits (`0o644`, `0o755`).
        public var mode: Int
        /// The numeric owner.
        public var uid: Int
        /// The numeric group.
        public var gid: Int

        /// A regular file.
        public static func file(_ path: String, _ contents: Data, mode: Int = 0o644, uid: Int = 0, gid: Int = 0) -> Entry {
            Entry(path: path, contents: contents, mode: mode, uid: uid, gid: gid)
        }

        /// A directory.
        public static func directory(_ path: String, mode: Int = 0o755, uid: Int = 0, gid: Int = 0) -> Entry {
            Entry(path: path, contents: nil, mode: mode, uid: uid, gid: gid)
        }
    }

    /// The members, in order.
    public var entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    /// The archive's bytes: 512-byte headers, contents padded to 512 bytes, two zero blocks.
    /// Throws `DockerError` naming the entry whose path does not fit the ustar header.
    public func data(modificationTime: Date = Date(timeIntervalSince1970: 0)) throws -> Data {
        var output = Data()
        let mtime = Int(modificationTime.timeIntervalSince1970)
        for entry in entries {
            let isDirectory = entry.contents == nil
            var path = entry.path
            if isDirectory, !path.hasSuffix("/") { path += "/" }
            let (prefix, name) = try Self.split(path)
            var header = [UInt8](repeating: 0, count: 512)
            Self.put(name, at: 0, length: 100, in: &header)
            Self.putOctal(entry.mode & 0o7777, at: 100, length: 8, in: &header)
            Self.putOctal(entry.uid, at: 108, length: 8, in: &header)
            Self.putOctal(entry.gid, at: 116, length: 8, in: &header)
            Self.putOctal(entry.contents?.count ?? 0, at: 124, length: 12, in: &header)
            Self.putOctal(mtime, at: 136, length: 12, in: &header)
            header[156] = isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0")
            Self.put("ustar", at: 257, length: 6, in: &header)
            Self.put("00", at: 263, length: 2, in: &header)
            Self.put(prefix, at: 345, length: 155, in: &header)
            for index in 148..<156 { header[index] = UInt8(ascii: " ") }
            let checksum = header.reduce(0) { $0 + Int($1) }
            Self.putOctal(checksum, at: 148, length: 7, in: &header)
            output.append(contentsOf: header)
            if let contents = entry.contents {
                output.append(contents)
                let padding = (512 - contents.count % 512) % 512
                output.append(Data(count: padding))
            }
        }
        output.append(Data(count: 1024))
        return output
    }

    /// Splits a path into the ustar prefix (155 bytes) and name (100 bytes).
    private static func split(_ path: String) throws -> (String, String) {
        let bytes = Array(path.utf8)
        if bytes.count <= 100 { return ("", path) }
        // Split at a slash so that the name part fits in 100 bytes and the prefix in 155.
        for index in stride(from: bytes.count - 1, through: 0, by: -1) where bytes[index] == UInt8(ascii: "/") {
            if bytes.count - index - 1 <= 100, index <= 155, index > 0 {
                return (String(decoding: bytes[..<index], as: UTF8.self), String(decoding: bytes[(index + 1)...], as: UTF8.self))
            }
        }
        throw DockerError.invalidArgument("tar entry \(path): the path is too long for a ustar header (at most 155 + 100 bytes, split at a /)")
    }

    private static func put(_ text: String, at offset: Int, length: Int, in header: inout [UInt8]) {
        for (index, byte) in text.utf8.prefix(length).enumerated() { header[offset + index] = byte }
    }

    private static func putOctal(_ value: Int, at offset: Int, length: Int, in header: inout [UInt8]) {
        let digits = String(value, radix: 8)
        let padded = String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits
        put(padded, at: offset, length: length - 1, in: &header)
        header[offset + length - 1] = 0
    }
}
