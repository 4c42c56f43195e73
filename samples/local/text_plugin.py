"""A sample MCP plugin: text tools over Streamable HTTP (the `mcp` SDK's MCPServer).
Usage: text_plugin.py [PORT]  (0 or none picks a free port; the port is printed first)."""

import socket
import sys

import uvicorn
from mcp.server.mcpserver import MCPServer

server = MCPServer("text-plugin")


@server.tool()
def upper(text: str) -> str:
    """Return the text in capitals."""
    return text.upper()


@server.tool()
def word_count(text: str) -> int:
    """Count the words in the text."""
    return len(text.split())


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(uvicorn.Config(server.streamable_http_app(), log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
