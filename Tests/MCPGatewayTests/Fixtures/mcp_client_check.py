"""Drives the gateway with the official MCP Python SDK as a real client and prints one JSON line
with what it saw. Usage: mcp_client_check.py TRANSPORT URL [DENIED_TOOL]
TRANSPORT is `streamable` (Streamable HTTP) or `sse` (the HTTP+SSE transport)."""

import asyncio
import json
import sys

from mcp import Client
from mcp.client.sse import sse_client


def content_text(result) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def run(transport: str, url: str, denied: str | None) -> dict:
    target = url if transport == "streamable" else sse_client(url)
    report: dict = {}
    async with Client(target, mode="legacy") as client:
        tools = await client.list_tools()
        report["tools"] = sorted(tool.name for tool in tools.tools)
        result = await client.call_tool("get_current_time", {"timezone": "UTC"})
        report["time_is_error"] = bool(result.is_error)
        report["time_text"] = content_text(result)
        if "calc__add" in report["tools"]:
            result = await client.call_tool("calc__add", {"a": 2, "b": 40})
            report["add_text"] = content_text(result)
        if denied:
            try:
                result = await client.call_tool(denied, {"timezone": "UTC"})
                report["denied_error"] = None
                report["denied_text"] = content_text(result)
                report["denied_is_error"] = bool(result.is_error)
            except Exception as error:  # the SDK raises MCPError for a JSON-RPC error
                report["denied_error"] = str(error)
    return report


def main() -> None:
    transport, url = sys.argv[1], sys.argv[2]
    denied = sys.argv[3] if len(sys.argv) > 3 else None
    report = asyncio.run(asyncio.wait_for(run(transport, url, denied), 60))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
