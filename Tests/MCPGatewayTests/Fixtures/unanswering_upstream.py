"""An HTTP MCP upstream that answers initialize and tools/list, but ends its answer to tools/call
without the response: an event stream with only a progress notification for tool "stream", an
empty JSON body for tool "empty". Prints its port, then serves until killed."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Mcp-Session-Id", "s1")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        message = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        method, ident = message.get("method"), message.get("id")
        if ident is None:
            return self.reply(202)
        if method == "initialize":
            result = {"protocolVersion": message["params"]["protocolVersion"], "capabilities": {"tools": {}},
                      "serverInfo": {"name": "unanswering", "version": "1"}}
            return self.reply(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": result}).encode())
        if method == "tools/list":
            tools = [{"name": name, "inputSchema": {"type": "object"}} for name in ("stream", "empty")]
            return self.reply(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": {"tools": tools}}).encode())
        if message.get("params", {}).get("name") == "stream":
            progress = {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": 1, "progress": 1}}
            return self.reply(200, ("event: message\ndata: " + json.dumps(progress) + "\n\n").encode(), "text/event-stream")
        return self.reply(200)

    def do_GET(self):
        self.reply(405)

    def do_DELETE(self):
        self.reply(200)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
