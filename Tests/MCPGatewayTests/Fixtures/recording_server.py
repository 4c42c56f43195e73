"""A tiny stdio MCP server with no dependencies, for gateway tests that need to see exactly what
reached the upstream: every line received is appended to $RECORD_FILE (when set). Tools: `echo`
returns its arguments, `pid` returns the process id, `crash` exits the process at once, `notify`
sends a tools/list_changed notification before answering, `wait` never answers."""

import json
import os
import sys

RECORD = os.environ.get("RECORD_FILE")


def send(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


TOOLS = [
    {"name": name, "description": f"{name} tool", "inputSchema": {"type": "object"}}
    for name in ("echo", "pid", "crash", "notify", "wait")
]


def main() -> None:
    for line in sys.stdin:
        if RECORD:
            with open(RECORD, "a") as record:
                record.write(line if line.endswith("\n") else line + "\n")
        try:
            message = json.loads(line)
        except ValueError:
            continue
        method, ident = message.get("method"), message.get("id")
        if ident is None:
            continue
        if method == "initialize":
            send({"jsonrpc": "2.0", "id": ident, "result": {
                "protocolVersion": message["params"]["protocolVersion"],
                "capabilities": {"tools": {"listChanged": True}},
                "serverInfo": {"name": "recording", "version": "1"}}})
        elif method == "tools/list":
            send({"jsonrpc": "2.0", "id": ident, "result": {"tools": TOOLS}})
        elif method == "tools/call":
            name = message["params"]["name"]
            if name == "crash":
                os._exit(3)
            if name == "wait":
                continue
            if name == "notify":
                send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
            text = str(os.getpid()) if name == "pid" else json.dumps(message["params"].get("arguments", {}))
            send({"jsonrpc": "2.0", "id": ident, "result": {"content": [{"type": "text", "text": text}]}})
        elif method == "ping":
            send({"jsonrpc": "2.0", "id": ident, "result": {}})
        else:
            send({"jsonrpc": "2.0", "id": ident, "error": {"code": -32601, "message": "Method not found"}})


if __name__ == "__main__":
    main()
