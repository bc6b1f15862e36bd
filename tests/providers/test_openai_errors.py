"""How remote failures are classified, seen through real HTTP against the fakes."""

from __future__ import annotations

import base64
import json
import socket

import pytest

from genqueue.providers.base import (
    CharacterSketch,
    FinalProviderError,
    ImageSpec,
    RetryableProviderError,
    StorySpec,
)
from genqueue.providers.openai import RateLimited, RemoteProviders, RetryableAfter
from tests.fakes.openai_server import OpenAIServer
from tests.providers.conftest import MakeProviders

SPEC = ImageSpec("a lantern", "seed")
SPEC_CHARACTER = CharacterSketch(seed="c", name="Mira")


def answer(payload: object) -> bytes:
    return json.dumps(payload).encode()


async def test_429_is_retryable_and_tells_the_retry_after(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    openai_server.fail_next(1, 429, headers={"Retry-After": "7"})
    with pytest.raises(RateLimited, match=r"429 \(retry after 7 s\)") as raised:
        await providers.images.generate(SPEC)
    assert raised.value.retry_after == 7.0
    assert isinstance(raised.value, RetryableProviderError)
    openai_server.fail_next(1, 429)
    with pytest.raises(RateLimited, match="scripted failure 429") as unsaid:
        await providers.text.personality(SPEC_CHARACTER)
    assert unsaid.value.retry_after is None
    assert (await providers.images.generate(SPEC)).width == 1024


async def test_a_503_with_retry_after_says_when(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    openai_server.fail_next(1, 503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    openai_server.fail_next(1, 503, headers={"Retry-After": "2.5"})
    with pytest.raises(RetryableAfter, match=r"503 \(retry after 0 s\)") as past:
        await providers.images.generate(SPEC)
    assert past.value.retry_after == 0.0
    with pytest.raises(RetryableAfter, match=r"503 \(retry after 2.5 s\)") as soon:
        await providers.images.generate(SPEC)
    assert (soon.value.retry_after, soon.value.status) == (2.5, 503)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
async def test_server_errors_are_retryable(
    providers: RemoteProviders, openai_server: OpenAIServer, status: int
) -> None:
    openai_server.fail_next(1, status)
    with pytest.raises(RetryableProviderError, match=f"OpenAI answered {status}") as raised:
        await providers.images.generate(SPEC)
    assert raised.value.status == status


@pytest.mark.parametrize("status", [400, 403, 404, 413, 422])
async def test_client_errors_are_final_with_the_api_message(
    providers: RemoteProviders, openai_server: OpenAIServer, status: int
) -> None:
    body = answer({"error": {"message": "Your prompt was rejected.", "type": "x"}})
    openai_server.fail_next(1, status, body=body)
    with pytest.raises(FinalProviderError, match="Your prompt was rejected") as raised:
        await providers.text.story(StorySpec("p", None, 100, "s"))
    assert raised.value.status == status


async def test_a_wrong_key_is_final(
    make_providers: MakeProviders, openai_server: OpenAIServer
) -> None:
    providers = await make_providers(openai_api_key="wrong")
    with pytest.raises(FinalProviderError, match="401: Incorrect API key"):
        await providers.images.generate(SPEC)
    assert openai_server.recorded()[0].headers["authorization"] == "Bearer wrong"


async def test_a_slow_answer_times_out_as_retryable(
    make_providers: MakeProviders, openai_server: OpenAIServer
) -> None:
    providers = await make_providers(provider_timeout_seconds=0.2)
    openai_server.delay = 0.6
    with pytest.raises(RetryableProviderError, match=r"timed out after 0.2 s"):
        await providers.images.generate(SPEC)


async def test_an_unreachable_server_is_a_retryable_network_error(
    make_providers: MakeProviders,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    providers = await make_providers(openai_base_url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(RetryableProviderError, match="network error"):
        await providers.text.personality(SPEC_CHARACTER)


@pytest.mark.parametrize(
    ("body", "error", "says"),
    [
        (b"{not json", RetryableProviderError, "not JSON"),
        (b"", RetryableProviderError, "not JSON"),
        (answer({"data": []}), FinalProviderError, "no data.0.b64_json"),
        (answer({"data": [{"url": "https://x"}]}), FinalProviderError, "no data.0.b64_json"),
        (answer({"data": [{"b64_json": 12}]}), FinalProviderError, "expected type"),
        (answer({"data": [{"b64_json": "@@@"}]}), RetryableProviderError, "base64 is garbled"),
        (
            answer({"data": [{"b64_json": base64.b64encode(b"GIF-ish").decode()}]}),
            RetryableProviderError,
            "does not decode",
        ),
    ],
)
async def test_malformed_image_answers(
    providers: RemoteProviders,
    openai_server: OpenAIServer,
    body: bytes,
    error: type[Exception],
    says: str,
) -> None:
    openai_server.fail_next(1, 200, body=body)
    with pytest.raises(error, match=says):
        await providers.images.generate(SPEC)


@pytest.mark.parametrize(
    ("choice", "error", "says"),
    [
        ({"message": {"role": "assistant", "content": "  "}}, RetryableProviderError, "nothing"),
        ({"message": {"content": None}}, FinalProviderError, "message.content"),
        (
            {"message": {"content": "x"}, "finish_reason": "content_filter"},
            FinalProviderError,
            "filter",
        ),
    ],
)
async def test_malformed_chat_answers(
    providers: RemoteProviders,
    openai_server: OpenAIServer,
    choice: dict[str, object],
    error: type[Exception],
    says: str,
) -> None:
    openai_server.fail_next(1, 200, body=answer({"choices": [choice]}))
    with pytest.raises(error, match=says):
        await providers.text.personality(SPEC_CHARACTER)


async def test_closing_the_providers_closes_their_clients(make_providers: MakeProviders) -> None:
    providers = await make_providers()
    assert [client.closed for client in providers.clients] == [False, False]
    await providers.aclose()
    assert [client.closed for client in providers.clients] == [True, True]
