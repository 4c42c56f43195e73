"""A minimal WebSocket MCP client (standard library only; the SDK has no WebSocket client):
connects to URL with subprotocol `mcp`, initializes, lists tools, calls get_current_time, sends a
malformed frame, and prints one JSON line with the answers."""

import base64
import json
import os
import socket
import struct
import sys
from urllib.parse import urlparse


def send_frame(sock, text: str) -> None:
    payload = text.encode()
    header = bytearray([0x81])
    mask = os.urandom(4)
    if len(payload) < 126:
        header.append(0x80 | len(payload))
    elif len(payload) < 65536:
        header.append(0x80 | 126)
        header += struct.pack(">H", len(payload))
    else:
        header.append(0x80 | 127)
        header += struct.pack(">Q", len(payload))
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(bytes(header) + mask + masked)


def recv_exact(sock, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def recv_message(sock) -> dict:
    while True:
        first, second = recv_exact(sock, 2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", recv_exact(sock, 2))[0]
        elif length == 127:
            length = struct.unpack(">Q", recv_exact(sock, 8))[0]
        payload = recv_exact(sock, length)
        if first & 0x0F == 0x1:
            return json.loads(payload)


def request(sock, message: dict) -> dict:
    send_frame(sock, json.dumps(message))
    while True:
        answer = recv_message(sock)
        if answer.get("id") == message.get("id") and ("result" in answer or "error" in answer):
            return answer


def main() -> None:
    url = urlparse(sys.argv[1])
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {url.path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: mcp\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    lines = head.decode().split("\r\n")
    report = {"status": lines[0], "subprotocol": None}
    for line in lines[1:]:
        if line.lower().startswith("sec-websocket-protocol:"):
            report["subprotocol"] = line.split(":", 1)[1].strip()
    init = request(sock, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "ws-check", "version": "1"}}})
    report["server"] = init["result"]["serverInfo"]["name"]
    send_frame(sock, json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
    tools = request(sock, {"jsonrpc": "2.0", "id": "two", "method": "tools/list"})
    report["tools"] = sorted(tool["name"] for tool in tools["result"]["tools"])
    call = request(sock, {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                          "params": {"name": "get_current_time", "arguments": {"timezone": "UTC"}}})
    report["call_ok"] = "result" in call and not call["result"].get("isError", False)
    send_frame(sock, "{not json")
    report["malformed_code"] = recv_message(sock)["error"]["code"]
    sock.close()
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
