import Foundation
import GRDB
import SampleMCP

/// A post as the sample server stores and returns it.
struct Post: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "posts"

    var id: Int64?
    var title: String
    var body: String
    /// The tags as a JSON array of strings.
    var tags: String
    var createdAt: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, title, body, tags
        case createdAt = "created_at"
    }

    /// The post as tools return it.
    var json: JSON {
        let tagList = (try? JSON(parsing: tags))?.arrayValue ?? []
        return ["id": .int(id ?? 0), "title": .string(title), "body": .string(body), "tags": .array(tagList),
                "createdAt": .string(createdAt)]
    }
}

/// The posts in their own SQLite file.
struct PostStore: Sendable {
    let database: DatabaseQueue

    /// Opens (creating and migrating when needed) the database at `path`.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-posts") { db in
            try db.create(table: "posts") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("title", .text).notNull()
                table.column("body", .text).notNull()
                table.column("tags", .text).notNull().defaults(to: "[]")
                table.column("created_at", .text).notNull()
            }
        }
        try migrator.migrate(database)
    }

    func create(title: String, body: String, tags: [String]) throws -> Post {
        try database.write { db in
            var post = Post(id: nil, title: title, body: body, tags: JSON.array(tags.map(JSON.string)).serialized,
                            createdAt: Date().formatted(.iso8601))
            try post.insert(db)
            return post
        }
    }

    /// Newest first; `tag` keeps only posts carrying it.
    func list(limit: Int, offset: Int, tag: String?) throws -> (posts: [Post], total: Int) {
        try database.read { db in
            var request = Post.all()
            if let tag {
                request = request.filter(sql: "EXISTS (SELECT 1 FROM json_each(posts.tags) WHERE json_each.value = ?)", arguments: [tag])
            }
            let total = try request.fetchCount(db)
            let posts = try request.order(Post.CodingKeys.id.desc).limit(limit, offset: offset).fetchAll(db)
            return (posts, total)
        }
    }

    /// Posts whose title, body or tags contain `query` (ASCII case-insensitive), newest first.
    func search(_ query: String, limit: Int) throws -> [Post] {
        let pattern = "%" + query.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return try database.read { db in
            try Post.filter(sql: "title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\'",
                            arguments: [pattern, pattern, pattern])
                .order(Post.CodingKeys.id.desc).limit(limit).fetchAll(db)
        }
    }

    func get(_ id: Int64) throws -> Post? {
        try database.read { db in try Post.fetchOne(db, key: id) }
    }

    /// Whether a post was deleted.
    func delete(_ id: Int64) throws -> Bool {
        try database.write { db in try Post.deleteOne(db, key: id) }
    }
}
