"""A real HTTP server on localhost that speaks the OpenAI chat-completions API, for tests of the LLM path.
It records what it received (to prove nothing unmasked reached it) and answers from a scripted queue, then
from `reply_fn` (e.g. `RagasJudgeReplies`) when the queue is empty."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ChatServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: list[tuple[int, str, float]] = []  # (status, content, delay seconds)
        self.reply_fn: Callable[[dict[str, Any]], str] | None = None  # answers when `replies` is empty
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                if server.replies:
                    status, content, delay = server.replies.pop(0)
                elif server.reply_fn is not None:
                    status, content, delay = 200, server.reply_fn(body), 0.0
                else:
                    status, content, delay = 200, "{}", 0.0
                time.sleep(delay)
                if status == 200 and body.get("stream"):
                    self._stream(content, body.get("model", "test"))
                    return
                if status != 200:
                    payload = json.dumps({"error": {"message": content, "type": "server_error"}}).encode()
                else:
                    payload = json.dumps({
                        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                        "model": body.get("model", "test"),
                        "choices": [{"index": i, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": content}}
                                    for i in range(int(body.get("n") or 1))],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }).encode()  # fmt: skip
                self._send(status, payload)

            def _send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test): expected

            def _stream(self, content: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(content), 8):
                    chunk = {
                        "id": "chatcmpl-test",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [
                            {"index": 0, "delta": {"content": content[i : i + 8]}, "finish_reason": None}
                        ],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                end = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def all_text(self) -> str:
        return json.dumps(self.requests, ensure_ascii=False)


@contextmanager
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


_CITATION = re.compile(r"\[\d+\]")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。！？])", _CITATION.sub("", text)) if s.strip()]


def _norm(text: str) -> str:
    return re.sub(r"[\s。、！？]", "", _CITATION.sub("", text))


def _prompt_input(prompt: str) -> dict[str, Any]:
    """ragas' PydanticPrompt ends with 'input: {json}' then 'Output: ' (the examples use 'Input: ')."""
    tail = prompt.rsplit("\ninput: ", 1)[-1]
    return dict(json.loads(tail.rsplit("\nOutput:", 1)[0]))


_RAGAS_PROMPTS = (  # how each ragas prompt begins (its instruction) -> what it asks for
    ("The output string did not satisfy", "fix_format"),
    ("Given a question and an answer, analyze", "statements"),
    ("Your task is to judge the faithfulness", "nli"),
    ("Generate a question for the given answer", "question"),
    ("Given question, answer and context verify", "context_precision"),
)


class RagasJudgeReplies:
    """Answers ragas 0.4.3's judge prompts like a literal-minded judge, so scores follow the data given:
    the statements of an answer are its sentences; a statement is supported when its text occurs in the context;
    the question generated from an answer is its first sentence (noncommittal as configured); a context is useful
    when it contains a sentence of the reference. A prompt containing `malformed_marker` gets a reply that is
    not JSON (and so does ragas' request to fix it)."""

    def __init__(self, noncommittal: bool = False, malformed_marker: str = "") -> None:
        self.noncommittal = noncommittal
        self.malformed_marker = malformed_marker
        self.seen: dict[str, int] = {}

    def __call__(self, body: dict[str, Any]) -> str:
        prompt = str(body["messages"][-1]["content"])
        kind = next((k for prefix, k in _RAGAS_PROMPTS if prompt.startswith(prefix)), "other")
        self.seen[kind] = self.seen.get(kind, 0) + 1
        if self.malformed_marker and self.malformed_marker in prompt:
            return "判定できませんでした"
        if kind == "other":
            return "{}"
        data = _prompt_input(prompt)
        reply: dict[str, Any]
        if kind == "fix_format":
            reply = {"text": data["output_string"]}
        elif kind == "statements":
            reply = {"statements": _sentences(data["answer"])}
        elif kind == "nli":
            context = _norm(data["context"])
            reply = {
                "statements": [
                    {"statement": s, "reason": "文脈との照合", "verdict": int(_norm(s) in context)}
                    for s in data["statements"]
                ]
            }
        elif kind == "question":
            first = (_sentences(data["response"]) or [data["response"]])[0]
            reply = {"question": first.rstrip("。") + "ですか？", "noncommittal": int(self.noncommittal)}
        else:
            context = _norm(data["context"])
            useful = any(_norm(s) and _norm(s) in context for s in _sentences(data["answer"]))
            reply = {"reason": "参照回答との照合", "verdict": int(useful)}
        return json.dumps(reply, ensure_ascii=False)
