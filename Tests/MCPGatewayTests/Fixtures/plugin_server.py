"""A small MCP server (the `mcp` SDK's MCPServer, formerly FastMCP) served over Streamable HTTP on
127.0.0.1 with a free port: the plugin upstream of the gateway tests. Prints the port first.

With `--cert FILE --key FILE` it serves HTTPS. `GET /stats` answers how many MCP requests it
received and over how many distinct TCP connections (told apart by the client's port)."""

import argparse
import json
import socket
import sys

import uvicorn
from mcp.server.mcpserver import MCPServer

server = MCPServer("calc-plugin")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    return text


def counting(app):
    """Wraps the ASGI app: records each HTTP request's client address, serves /stats."""
    connections = set()
    stats = {"requests": 0}

    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/stats":
            body = json.dumps({"requests": stats["requests"], "connections": len(connections)}).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http":
            stats["requests"] += 1
            connections.add(tuple(scope.get("client") or ()))
        await app(scope, receive, send)

    return wrapped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    options = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    print(sock.getsockname()[1], flush=True)
    app = counting(server.streamable_http_app())
    config = uvicorn.Config(app, log_level="warning", ssl_certfile=options.cert, ssl_keyfile=options.key)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
