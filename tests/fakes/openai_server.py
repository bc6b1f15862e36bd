"""A fake OpenAI-compatible API: `/v1/images/generations`, `/v1/images/edits`
(multipart) and `/v1/chat/completions`, with real PNGs as `b64_json` and chat text that
reads like an answer to the prompt (its length follows a "N words" in it).

    with OpenAIServer().serve() as fake:
        settings = Settings(openai_base_url=f"{fake.base_url}/v1", openai_api_key=fake.api_key)
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import re
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.media import png, png_size
from tests.fakes.server import FakeServer, Recorded, error, json_answer

DEFAULT_WORDS = 40
MAX_WORDS = 5000
MAX_SIDE = 2048
FILLER = (
    "the morning light fell across the quiet hills",
    "a small voice asked what would happen next",
    "nobody had ever walked that far before",
    "the wind carried a promise of something new",
    "every step made the path a little clearer",
    "laughter echoed down the long stone hall",
    "the old map showed a place no one remembered",
    "a friend waited patiently by the gate",
)


@dataclass(frozen=True)
class Part:
    """One field of a multipart form: its value, and the filename of an uploaded file."""

    name: str
    data: bytes
    filename: str | None
    content_type: str


def multipart_parts(recorded: Recorded) -> list[Part]:
    """The fields of a recorded `multipart/form-data` request, in order."""
    content_type = recorded.headers.get("content-type", "")
    raw = f"Content-Type: {content_type}\r\n\r\n".encode() + recorded.body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        parts.append(
            Part(
                str(part.get_param("name", header="content-disposition") or ""),
                payload if isinstance(payload, bytes) else b"",
                part.get_filename(),
                part.get_content_type(),
            )
        )
    return parts


@dataclass
class OpenAIServer(FakeServer):
    """The OpenAI fake. `chat_reply`, when set, is the content of every chat answer."""

    chat_reply: str | None = None

    def routes(self) -> list[Route]:
        return [
            self.route("/v1/images/generations", self._generations, "POST"),
            self.route("/v1/images/edits", self._edits, "POST"),
            self.route("/v1/chat/completions", self._chat, "POST"),
        ]

    async def _generations(self, request: Request, recorded: Recorded) -> Response:
        try:
            body = recorded.json()
        except ValueError:
            return error(400, "We could not parse the JSON body of your request.")
        prompt = body.get("prompt") if isinstance(body, dict) else None
        if not isinstance(prompt, str) or not prompt.strip():
            return error(400, "Missing required parameter: 'prompt'.")
        size = _size(body.get("size"))
        if size is None:
            return error(400, f"Invalid value for 'size': {body.get('size')!r}.")
        count = body.get("n", 1)
        if not isinstance(count, int) or not 1 <= count <= 4:
            return error(400, "Invalid value for 'n': it must be 1 to 4.")
        return _images(prompt, size, count)

    async def _edits(self, request: Request, recorded: Recorded) -> Response:
        if not recorded.headers.get("content-type", "").startswith("multipart/form-data"):
            return error(400, "Edits take a multipart/form-data body.")
        parts = multipart_parts(recorded)
        fields = {p.name: p for p in parts}
        images = [p for p in parts if p.name in ("image", "image[]") and p.filename]
        prompt = fields["prompt"].data.decode() if "prompt" in fields else ""
        if not images:
            return error(400, "Missing required parameter: 'image'.")
        if not prompt.strip():
            return error(400, "Missing required parameter: 'prompt'.")
        asked = fields["size"].data.decode() if "size" in fields else None
        size = png_size(images[0].data) if asked in (None, "auto") else _size(asked)
        if size is None:
            return error(400, "Invalid image: upload a PNG, or name a size.")
        seed = prompt + hashlib.sha256(images[0].data).hexdigest()
        return _images(seed, size, 1)

    async def _chat(self, request: Request, recorded: Recorded) -> Response:
        try:
            body = recorded.json()
            messages = body["messages"]
            asked = [str(m["content"]) for m in messages if m["role"] == "user"]
            prompt = asked[-1] if asked else ""
            titled = any("title" in str(m["content"]).lower() for m in messages)
        except (ValueError, KeyError, TypeError):
            return error(400, "'messages' is a required list of {role, content}.")
        if not messages:
            return error(400, "'messages' must not be empty.")
        content = self.chat_reply if self.chat_reply is not None else compose(prompt, titled)
        words = len(content.split())
        return json_answer(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": len(prompt.split()),
                    "completion_tokens": words,
                    "total_tokens": len(prompt.split()) + words,
                },
            }
        )


def compose(prompt: str, titled: bool) -> str:
    """Plausible prose for a user's prompt: sentences that use the prompt's own longer
    words, about as many words as a "N words" in it asks (else one short paragraph).
    When the conversation asks for a title: a title line, then three or more paragraphs."""
    asked = re.search(r"(\d+)\s+words", prompt)
    target = min(MAX_WORDS, int(asked.group(1))) if asked else DEFAULT_WORDS
    nouns = [w for w in re.findall(r"[A-Za-z]{5,}", prompt) if w.lower() not in _COMMON]
    nouns = nouns or ["journey"]
    sentences: list[str] = []
    words = 0
    while words < target:
        index = len(sentences)
        noun = nouns[index % len(nouns)]
        sentence = (
            f"{FILLER[index % len(FILLER)].capitalize()}, and {noun} mattered more than ever."
        )
        sentences.append(sentence)
        words += len(sentence.split())
    if not titled:
        return " ".join(sentences)
    per_paragraph = max(1, len(sentences) // 3)
    paragraphs = [
        " ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)
    ]
    return f"The {nouns[0].capitalize()} Tale\n\n" + "\n\n".join(paragraphs)


_COMMON = frozenset(
    {
        "about",
        "write",
        "words",
        "story",
        "genre",
        "which",
        "their",
        "there",
        "would",
        "describe",
        "personality",
        "sentences",
        "third",
        "person",
        "without",
        "lists",
        "short",
        "animated",
        "movement",
        "camera",
        "sentence",
        "starting",
        "paragraphs",
        "three",
        "least",
    }
)


def _size(value: Any) -> tuple[int, int] | None:
    if value is None or value == "auto":
        return 1024, 1024
    match = re.fullmatch(r"(\d{2,4})x(\d{2,4})", str(value))
    if match is None:
        return None
    width, height = int(match.group(1)), int(match.group(2))
    if not (16 <= width <= MAX_SIDE and 16 <= height <= MAX_SIDE):
        return None
    return width, height


def _images(seed: str, size: tuple[int, int], count: int) -> Response:
    data = [
        {"b64_json": base64.b64encode(png(*size, f"{seed}:{i}")).decode()} for i in range(count)
    ]
    return json_answer({"created": int(time.time()), "data": data})
