"""A token gate in front of a Chroma server: `python -m assistant.store.gate --upstream URL --port P`.

Chroma 1.x's server (`chroma run`) has no authentication of its own, and chromadb's older Python server,
which has token authentication, fails on reads that return embeddings (chromadb 1.5.9). The gate accepts
a request only with the token (`Authorization: Bearer <token>` or `X-Chroma-Token: <token>`, which is what
the chromadb client sends for WIBB_CHROMA_TOKEN) and passes it on to the server, which then listens on
127.0.0.1 only. A request without the right token gets Chroma's own "Forbidden" answer, so the client raises
its usual authentication error. The token comes from WIBB_CHROMA_TOKEN (never from the command line, where
other users of the machine could read it). Only the heartbeat is open, for health checks.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

OPEN_PATHS = ("/api/v2/heartbeat", "/api/v1/heartbeat")
HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "authorization", "x-chroma-token",
               "content-encoding", "keep-alive"}  # fmt: skip


def token_of(headers: Any) -> str:
    bearer = headers.get("authorization", "")
    return bearer[7:].strip() if bearer.lower().startswith("bearer ") else headers.get("x-chroma-token", "")


def build_gate(upstream: str, token: str) -> Any:
    """The ASGI app: check the token, pass the request on, return the server's answer."""
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    if not token:
        raise ValueError("a gate needs a token")
    client = httpx.AsyncClient(base_url=upstream.rstrip("/"), timeout=60.0)

    async def forward(request: Request) -> Response:
        given = token_of(request.headers)
        if request.url.path not in OPEN_PATHS and not hmac.compare_digest(given.encode(), token.encode()):
            return JSONResponse({"error": "AuthError", "message": "Forbidden"}, status_code=403)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        answer = await client.request(
            request.method, request.url.path, params=request.query_params, content=await request.body(),
            headers=headers,
        )  # fmt: skip
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        await client.aclose()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.store.gate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--upstream", default="http://127.0.0.1:8000", help="the Chroma server behind the gate"
    )
    parser.add_argument("--host", default="127.0.0.1", help="where the gate listens")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    token = os.environ.get("WIBB_CHROMA_TOKEN", "").strip()
    if not token:
        print("Zet eerst het token in WIBB_CHROMA_TOKEN; de poort start niet zonder.", file=sys.stderr)
        return 2
    import uvicorn

    uvicorn.run(build_gate(args.upstream, token), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
