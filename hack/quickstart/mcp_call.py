"""Calls an MCP server with the official Python SDK: lists its tools, then calls one.
Usage: mcp_call.py URL TOOL JSON_ARGUMENTS. Exits 0 when the call succeeded, 3 when it was
denied or failed, and prints what happened."""

import asyncio
import json
import sys

from mcp import Client


async def run(url: str, tool: str, arguments: dict) -> int:
    async with Client(url) as client:
        tools = await client.list_tools()
        print("tools:", ", ".join(sorted(t.name for t in tools.tools)))
        try:
            result = await client.call_tool(tool, arguments)
        except Exception as error:  # a JSON-RPC error, such as a policy denial
            print(f"{tool} -> denied: {error}")
            return 3
        text = "".join(getattr(block, "text", "") for block in result.content)
        if result.is_error:
            print(f"{tool} -> error: {text}")
            return 3
        print(f"{tool} -> {text}")
        return 0


def main() -> int:
    url, tool, arguments = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    return asyncio.run(asyncio.wait_for(run(url, tool, arguments), 60))


if __name__ == "__main__":
    sys.exit(main())
