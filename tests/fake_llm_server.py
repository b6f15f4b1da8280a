"""A scripted language-model server on 127.0.0.1 for end-to-end tests of the real HTTP clients.

Speaks OpenAI chat completions (`POST /v1/chat/completions`, JSON or SSE with `stream: true`) and
Ollama chat (`POST /api/chat`, JSON or NDJSON). Replies are played back in order and every request
body is recorded. A reply can wait before answering, stall in the middle of a stream, or send raw
bytes (garbage). stdlib only; the server runs in a daemon thread and stops with `stop()`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Pause:
    """Inside a reply's pieces: stop sending for this many seconds."""

    seconds: float


@dataclass(frozen=True)
class Raw:
    """Inside a reply's pieces: these bytes go out as they are, unframed."""

    data: bytes


@dataclass
class Reply:
    text: str = ""
    pieces: list[str | Pause | Raw] | None = None  # streamed pieces; default: the words of `text`
    delay: float = 0.0  # seconds before the status line is sent
    status: int = 200
    body: bytes | None = None  # the whole response body as is (garbage), any protocol

    def stream_pieces(self) -> list[str | Pause | Raw]:
        return self.pieces if self.pieces is not None else re.findall(r"\S+\s*|\s+", self.text)

    def full_text(self) -> str:
        return "".join(p for p in self.stream_pieces() if isinstance(p, str)) if self.pieces else self.text


@dataclass
class FakeLLMServer:
    model: str = "fake-model"
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    def start(self) -> FakeLLMServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers that are pausing
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def enqueue(self, *replies: Reply | str) -> None:
        with self._lock:
            self.replies.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def next_reply(self, path: str, authorization: str, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append({"path": path, "authorization": authorization, **body})
            if not self.replies:
                return Reply(status=500, body=b'{"error": {"message": "no scripted reply left"}}')
            return self.replies.pop(0)

    def pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def _handler(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = server.next_reply(self.path, self.headers.get("Authorization", ""), body)
            try:
                server.pause(reply.delay)
                self._respond(reply, body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def _respond(self, reply: Reply, body: dict[str, Any]) -> None:
            ollama = self.path.startswith("/api/")
            streaming = bool(body.get("stream", ollama))  # Ollama streams unless told not to
            if reply.body is not None or reply.status != 200:
                self._head(reply.status, "application/json")
                self.wfile.write(reply.body or b"{}")
                return
            if not streaming:
                self._head(200, "application/json")
                payload = (
                    _ollama_done(server.model, reply.full_text())
                    if ollama
                    else _completion(server.model, reply.full_text())
                )
                self.wfile.write(json.dumps(payload).encode())
                return
            self._head(200, "application/x-ndjson" if ollama else "text/event-stream")
            for piece in reply.stream_pieces():
                if isinstance(piece, Pause):
                    server.pause(piece.seconds)
                elif isinstance(piece, Raw):
                    self.wfile.write(piece.data)
                elif ollama:
                    self.wfile.write(json.dumps(_ollama_chunk(server.model, piece)).encode() + b"\n")
                else:
                    self.wfile.write(b"data: " + json.dumps(_chunk(server.model, piece)).encode() + b"\n\n")
                self.wfile.flush()
            if ollama:
                self.wfile.write(json.dumps(_ollama_done(server.model, "")).encode() + b"\n")
            else:
                self.wfile.write(b"data: " + json.dumps(_chunk(server.model, "", "stop")).encode() + b"\n\n")
                self.wfile.write(b"data: [DONE]\n\n")

        def _head(self, status: int, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Connection", "close")
            self.end_headers()

    return Handler


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, piece: str, finish: str | None = None) -> dict[str, Any]:
    delta = {"role": "assistant", "content": piece} if piece else {}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _ollama_chunk(model: str, piece: str) -> dict[str, Any]:
    return {
        "model": model,
        "created_at": "2024-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": piece},
        "done": False,
    }


def _ollama_done(model: str, text: str) -> dict[str, Any]:
    return {
        **_ollama_chunk(model, text),
        "done": True,
        "done_reason": "stop",
        "total_duration": 1,
        "prompt_eval_count": 1,
        "eval_count": 1,
    }
