import SampleMCP

/// The tools of `mcp-sample-posts`, over a `PostStore`.
enum PostsTools {
    static let maxPageSize: Int64 = 100

    static func all(_ store: PostStore) -> [Tool] {
        let id = ToolParameter("id", .integer, "The post's id.", minimum: 1)
        let limit = ToolParameter("limit", .integer, "How many posts to return (default 20).", required: false,
                                  minimum: 1, maximum: maxPageSize)
        let readOnly: [String: JSON] = ["readOnlyHint": true, "openWorldHint": false]
        return [
            Tool(name: "create_post", description: "Create a post and return it with its id.",
                 parameters: [
                    ToolParameter("title", .string, "The post's title.", minLength: 1, maxLength: 200),
                    ToolParameter("body", .string, "The post's text.", maxLength: 100_000),
                    ToolParameter("tags", .stringArray, "Tags for the post.", required: false),
                 ],
                 annotations: ["readOnlyHint": false, "destructiveHint": false, "openWorldHint": false]) { arguments in
                let post = try store.create(title: arguments.string("title"), body: arguments.string("body"),
                                            tags: arguments.strings("tags"))
                return .structured(["post": post.json])
            },
            Tool(name: "list_posts", description: "List posts, newest first, a page at a time.",
                 parameters: [
                    limit,
                    ToolParameter("offset", .integer, "How many posts to skip (default 0).", required: false, minimum: 0),
                    ToolParameter("tag", .string, "Only posts with this tag.", required: false, minLength: 1),
                 ],
                 annotations: readOnly) { arguments in
                let tag = arguments.values["tag"]?.stringValue
                let page = try store.list(limit: Int(arguments.integer("limit", default: 20)),
                                          offset: Int(arguments.integer("offset", default: 0)), tag: tag)
                return .structured(["posts": .array(page.posts.map(\.json)), "total": .int(Int64(page.total))])
            },
            Tool(name: "search_posts", description: "Find posts whose title, body or tags contain the query (case-insensitive).",
                 parameters: [ToolParameter("query", .string, "The text to look for.", minLength: 1, maxLength: 200), limit],
                 annotations: readOnly) { arguments in
                let posts = try store.search(arguments.string("query"), limit: Int(arguments.integer("limit", default: 20)))
                return .structured(["posts": .array(posts.map(\.json))])
            },
            Tool(name: "get_post", description: "Return one post by id.", parameters: [id], annotations: readOnly) { arguments in
                let key = arguments.integer("id")
                guard let post = try store.get(key) else { throw ToolError("no post with id \(key); list_posts shows the ids that exist") }
                return .structured(["post": post.json])
            },
            Tool(name: "delete_post", description: "Delete one post by id.", parameters: [id],
                 annotations: ["readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": false]) { arguments in
                let key = arguments.integer("id")
                guard try store.delete(key) else { throw ToolError("no post with id \(key); list_posts shows the ids that exist") }
                return .structured(["deleted": .int(key)])
            },
        ]
    }
}
