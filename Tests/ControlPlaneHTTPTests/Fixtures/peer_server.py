#!/usr/bin/env python3
"""A small HTTP/1.1 peer for the transport's tests: echo, chunked record streams, hangs, status
codes; over TCP on 127.0.0.1 (port 0), over a unix socket, or over TLS with client certificates.
It prints its port (or socket path) on the first line of stdout, then serves until killed."""
import argparse
import json
import os
import socket
import socketserver
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, payload, headers=None):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_any(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = self._body()
        peer = self.client_address
        if url.path == "/echo":
            cert = None
            if isinstance(self.connection, ssl.SSLSocket):
                c = self.connection.getpeercert()
                cert = dict(x[0] for x in c["subject"])["commonName"] if c else None
            self._send(200, {
                "method": self.command, "path": url.path, "query": url.query, "target": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "clientPort": peer[1] if isinstance(peer, tuple) else 0,
                "clientCN": cert,
            })
        elif url.path == "/stream":
            # n records, written in pieces of `piece` bytes with an optional pause, so one record
            # spans many reads and reads span records.
            n = int(q.get("n", "10"))
            size = int(q.get("size", "100"))
            piece = int(q.get("piece", "7"))
            pause = float(q.get("pause", "0"))
            payload = b"".join(
                json.dumps({"i": i, "pad": "x" * size}).encode() + (b"\r\n" if i % 2 else b"\n") for i in range(n)
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(payload), piece):
                self._chunk(payload[start:start + piece])
                if pause:
                    time.sleep(pause)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        elif url.path == "/hang":
            # Headers, one record, then silence until the client goes away.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._chunk(b'{"hello":true}\n')
            try:
                for _ in range(600):
                    time.sleep(0.1)
            except Exception:
                pass
        elif url.path == "/slow":
            time.sleep(float(q.get("seconds", "5")))
            self._send(200, {"slow": True})
        elif url.path.startswith("/status/"):
            code = int(url.path.rsplit("/", 1)[1])
            headers = {}
            if "retryAfter" in q:
                headers["Retry-After"] = q["retryAfter"]
            self._send(code, {"kind": "Status", "code": code}, headers)
        else:
            self._send(404, {"error": "no route " + url.path})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


# socketserver listens with a backlog of 5: a burst of concurrent connections would overflow the
# accept queue, and a connection the kernel dropped after the handshake stalls the client until its
# timeout. The tests open dozens at once.
BACKLOG = 1024


class TCPHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def get_request(self):
        request, _ = super().get_request()
        return request, ("unix", 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unix")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca")
    args = parser.parse_args()
    if args.unix:
        if os.path.exists(args.unix):
            os.unlink(args.unix)
        server = UnixHTTPServer(args.unix, Handler)
        print(args.unix, flush=True)
    else:
        server = TCPHTTPServer(("127.0.0.1", 0), Handler)
        if args.cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(args.cert, args.key)
            if args.client_ca:
                context.load_verify_locations(args.client_ca)
                context.verify_mode = ssl.CERT_REQUIRED
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
