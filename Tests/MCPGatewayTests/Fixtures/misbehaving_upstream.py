"""An HTTP MCP upstream that misbehaves on request, for the gateway's HTTP upstream tests.
initialize issues a new Mcp-Session-Id, and a request naming an unknown session gets 404 (as the
spec says); GET opens a session's stream of server-initiated messages. Tools: "whoami" answers the
caller's session id; "expire" forgets every session and ends their GET streams; "announce" sends
tools/list_changed on the caller's session's GET stream (answering "announced", or "no stream");
"stream" ends an event stream after a progress notification, without the answer; "empty" answers
with an empty JSON body. Prints its port, then serves until killed."""

import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sessions = set()
streams = {}  # session id -> queue of messages for its GET stream (None ends it)
counter = [0]
lock = threading.Lock()
TOOLS = ("whoami", "expire", "announce", "stream", "empty")
NOT_FOUND = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32001, "message": "Session not found"}}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/json", session=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if session:
            self.send_header("Mcp-Session-Id", session)
        self.end_headers()
        self.wfile.write(body)

    def answer(self, ident, result):
        self.reply(200, json.dumps({"jsonrpc": "2.0", "id": ident, "result": result}).encode())

    def do_POST(self):
        message = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        method, ident = message.get("method"), message.get("id")
        if method == "initialize":
            with lock:
                counter[0] += 1
                session = "s%d" % counter[0]
                sessions.add(session)
            result = {"protocolVersion": message["params"]["protocolVersion"], "capabilities": {"tools": {}},
                      "serverInfo": {"name": "misbehaving", "version": "1"}}
            body = json.dumps({"jsonrpc": "2.0", "id": ident, "result": result}).encode()
            return self.reply(200, body, session=session)
        session = self.headers.get("Mcp-Session-Id")
        with lock:
            known = session in sessions
        if not known:
            return self.reply(404, NOT_FOUND)
        if ident is None:
            return self.reply(202)
        if method == "tools/list":
            return self.answer(ident, {"tools": [{"name": name, "inputSchema": {"type": "object"}} for name in TOOLS]})
        tool = message.get("params", {}).get("name")
        if tool == "stream":
            progress = {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": 1, "progress": 1}}
            return self.reply(200, ("event: message\ndata: " + json.dumps(progress) + "\n\n").encode(), "text/event-stream")
        if tool == "empty":
            return self.reply(200)
        if tool == "expire":
            with lock:
                sessions.clear()
                for stream in streams.values():
                    stream.put(None)
                streams.clear()
        if tool == "announce":
            with lock:
                stream = streams.get(session)
            if stream:
                stream.put({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
            return self.answer(ident, {"content": [{"type": "text", "text": "announced" if stream else "no stream"}]})
        return self.answer(ident, {"content": [{"type": "text", "text": session if tool == "whoami" else "expired"}]})

    def do_GET(self):
        session = self.headers.get("Mcp-Session-Id")
        with lock:
            known = session in sessions
            if known:
                stream = streams[session] = queue.Queue()
        if not known:
            return self.reply(404, NOT_FOUND)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.flush()
        while True:
            message = stream.get()
            if message is None:
                return
            try:
                self.wfile.write(("event: message\ndata: " + json.dumps(message) + "\n\n").encode())
                self.wfile.flush()
            except OSError:
                return

    def do_DELETE(self):
        self.reply(200)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
