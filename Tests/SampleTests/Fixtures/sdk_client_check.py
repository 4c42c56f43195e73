"""Drives a sample stdio MCP server with the official MCP Python SDK and prints one JSON line with
what it saw. Usage: sdk_client_check.py MODE SCENARIO COMMAND [ARGS...]
MODE is the SDK's connect mode (`auto` probes server/discover first, `legacy` goes straight to
initialize); SCENARIO is `text` or `posts`. The server's environment is this process's."""

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError


def text_of(result) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def call(client, name, arguments) -> dict:
    """A call's outcome: the text and isError of a result, or the JSON-RPC error."""
    try:
        result = await client.call_tool(name, arguments)
    except MCPError as error:
        return {"error_code": error.code, "error": str(error)}
    return {"text": text_of(result), "is_error": bool(result.is_error),
            "structured": getattr(result, "structured_content", None)}


async def run(mode: str, scenario: str, command: list[str]) -> dict:
    server = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    report: dict = {}
    async with Client(server, mode=mode) as client:
        report["protocol"] = client.protocol_version
        report["server"] = client.server_info.name if client.server_info else None
        report["instructions"] = client.instructions
        tools = (await client.list_tools()).tools
        report["tools"] = sorted(tool.name for tool in tools)
        report["schemas"] = {tool.name: tool.input_schema for tool in tools}
        calls = {}
        if scenario == "text":
            calls["upper"] = await call(client, "upper", {"text": "hello plugin"})
            calls["slugify"] = await call(client, "slugify", {"text": "  Hello, MCP World! "})
            calls["word_count"] = await call(client, "word_count", {"text": "one two  three"})
            calls["wrong_type"] = await call(client, "upper", {"text": 42})
            calls["missing"] = await call(client, "reverse", {})
            calls["unknown_tool"] = await call(client, "no_such_tool", {"text": "x"})
        else:
            calls["create"] = await call(client, "create_post", {"title": "Swift on servers", "body": "MCP over stdio", "tags": ["swift", "mcp"]})
            calls["create2"] = await call(client, "create_post", {"title": "Second", "body": "another post"})
            calls["search"] = await call(client, "search_posts", {"query": "STDIO"})
            calls["list"] = await call(client, "list_posts", {"limit": 10})
            calls["get_missing"] = await call(client, "get_post", {"id": 999})
            calls["bad_limit"] = await call(client, "list_posts", {"limit": 0})
            calls["unknown_argument"] = await call(client, "search_posts", {"query": "x", "color": "red"})
            calls["delete"] = await call(client, "delete_post", {"id": 1})
            calls["list_after"] = await call(client, "list_posts", {})
        report["calls"] = calls
    return report


def main() -> None:
    mode, scenario, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    report = asyncio.run(asyncio.wait_for(run(mode, scenario, command), 60))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
