"""An HTTP MCP upstream whose sessions can expire: initialize issues a new Mcp-Session-Id, a
request naming an unknown session gets 404 (as the spec says), tool "whoami" answers the caller's
session id and tool "expire" forgets every session. Prints its port, then serves until killed."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sessions = set()
counter = [0]
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None, session=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if session:
            self.send_header("Mcp-Session-Id", session)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        message = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        method, ident = message.get("method"), message.get("id")
        if method == "initialize":
            with lock:
                counter[0] += 1
                session = "s%d" % counter[0]
                sessions.add(session)
            result = {"protocolVersion": message["params"]["protocolVersion"], "capabilities": {"tools": {}},
                      "serverInfo": {"name": "expiring", "version": "1"}}
            return self.reply(200, {"jsonrpc": "2.0", "id": ident, "result": result}, session)
        session = self.headers.get("Mcp-Session-Id")
        with lock:
            known = session in sessions
        if not known:
            return self.reply(404, {"jsonrpc": "2.0", "id": None, "error": {"code": -32001, "message": "Session not found"}})
        if ident is None:
            return self.reply(202)
        if method == "tools/list":
            tools = [{"name": name, "inputSchema": {"type": "object"}} for name in ("whoami", "expire")]
            return self.reply(200, {"jsonrpc": "2.0", "id": ident, "result": {"tools": tools}})
        if message.get("params", {}).get("name") == "expire":
            with lock:
                sessions.clear()
        text = session if message.get("params", {}).get("name") == "whoami" else "expired"
        return self.reply(200, {"jsonrpc": "2.0", "id": ident, "result": {"content": [{"type": "text", "text": text}]}})

    def do_GET(self):
        self.reply(405)

    def do_DELETE(self):
        self.reply(200)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
