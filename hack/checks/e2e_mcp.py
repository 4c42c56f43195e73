"""The MCP client of hack/e2e.sh: calls one tool through a gateway with the official MCP Python
SDK (Streamable HTTP) and checks the outcome.

Usage: e2e_mcp.py URL TOOL JSON_ARGUMENTS (--expect-text TEXT | --expect-denied)
--expect-denied wants the gateway's policy denial: JSON-RPC error -32001 ("Denied by policy ...");
an unknown tool or a failing upstream is not a denial. Exits 0 when the outcome is the expected
one, 1 otherwise, printing what happened."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from mcp import Client
from mcp.shared.exceptions import MCPError


POLICY_DENIED = -32001


async def call(url: str, tool: str, arguments: dict) -> tuple[int | None, bool, str]:
    """(JSON-RPC error code or None, tool error, text): the error that refused the call, or the
    tool's result."""
    async with Client(url) as client:
        try:
            result = await client.call_tool(tool, arguments)
        except MCPError as error:
            return error.code, True, f"JSON-RPC error {error.code}: {error.message}"
        text = " ".join(getattr(block, "text", "") for block in result.content)
        return None, bool(result.is_error), text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("tool")
    parser.add_argument("arguments")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--expect-text")
    group.add_argument("--expect-denied", action="store_true")
    options = parser.parse_args()
    code, failed, text = asyncio.run(asyncio.wait_for(call(options.url, options.tool, json.loads(options.arguments)), 60))
    if options.expect_denied:
        if code == POLICY_DENIED:
            print(f"  {options.tool}: denied as expected ({text})")
            return 0
        print(f"{options.tool}: expected the policy's denial (JSON-RPC error {POLICY_DENIED}), got: {text}", file=sys.stderr)
        return 1
    if failed or options.expect_text not in text:
        print(f"{options.tool}: expected a result containing {options.expect_text!r}, got "
              f"{'an error' if failed else 'the result'}: {text}", file=sys.stderr)
        return 1
    print(f"  {options.tool}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
