"""How the app is served: offline, on 127.0.0.1, in Dutch for every browser, with a strict CSP.

`launch_options()` are the `Blocks.launch()` arguments; `DutchPage` is the ASGI middleware that sets
the locale and the Content-Security-Policy on the HTML page before Gradio's own scripts run.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from typing import Any

from assistant import texts
from assistant.config import Settings
from assistant.web.page import CSS, PAGE_SCRIPT

# Everything the page may load comes from this server; inline scripts are Gradio's own bootstrap.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' data: blob:; "
    "worker-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
# Gradio picks its button language from the browser; this makes it Dutch for every visitor.
DUTCH = (
    b"<script>(function(){try{var p=Navigator.prototype;"
    b"Object.defineProperty(p,'language',{get:function(){return 'nl'},configurable:true});"
    b"Object.defineProperty(p,'languages',{get:function(){return ['nl','nl-NL']},configurable:true});"
    b"}catch(e){}})();</script>"
)


def is_loopback(host: str) -> bool:
    """Whether only this computer can reach the address."""
    import ipaddress

    if host.strip().lower() in ("localhost", ""):
        return host.strip() != ""  # "" listens on every address
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: reachable from elsewhere


def check_exposure(settings: Settings, host: str) -> None:
    """The feedback of every user and the Toetsen tab are only for organisers: an app that others can reach
    needs a login (WIBB_AUTH); without one it does not start."""
    from assistant.errors import ConfigError

    if not is_loopback(host) and not settings.web.auth.get_secret_value().strip():
        raise ConfigError("WIBB_AUTH", texts.WEB["auth_needed_public"].format(host=host))


def configure_environment(settings: Settings) -> None:
    """Before gradio is imported: no analytics, its upload cache inside the data folder, no stub writing."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "gradio").resolve()))
    skip_gradio_stub_writing()


def skip_gradio_stub_writing() -> None:
    """Gradio (6.x) rewrites the type stubs (.pyi) of its own components while it is imported: for every
    component class it reads and parses that class's source file and its stub, and writes the stub back into
    the installed package when it differs. That is ~1.4 of the ~3.2 s `import gradio` takes here, and the
    stubs are only read by type checkers. When gradio's `component_meta` module is loaded, its
    `create_or_modify_pyi` is replaced by a function that does nothing; components are made exactly as
    before. Without effect when gradio is already imported, or when a later gradio no longer has it."""
    if "gradio.component_meta" in sys.modules or any(isinstance(f, _NoStubWriting) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _NoStubWriting())


def _write_no_stub(*_args: Any, **_kwargs: Any) -> None:
    """Stands in for gradio.component_meta.create_or_modify_pyi."""


class _NoStubWriting(importlib.abc.MetaPathFinder):
    """Finds gradio.component_meta as Python would, and patches the module right after it has run."""

    def find_spec(
        self, fullname: str, path: Any, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "gradio.component_meta":
            return None
        sys.meta_path.remove(self)  # once: the module is imported once
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec else None
        run = getattr(loader, "exec_module", None)
        if run is None:
            return spec

        def exec_module(module: Any) -> None:
            run(module)
            if hasattr(module, "create_or_modify_pyi"):
                module.create_or_modify_pyi = _write_no_stub

        loader.exec_module = exec_module  # type: ignore[union-attr,method-assign]  # this module's own loader
        return spec


class DutchPage:
    """ASGI middleware for HTML pages: Dutch locale before Gradio starts, lang="nl", and a CSP."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] | None = None
        body: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                found = {k.lower(): v for k, v in message.get("headers", [])}
                if (
                    found.get(b"content-type", b"").startswith(b"text/html")
                    and b"content-encoding" not in found
                ):
                    start = message
                    return
            elif start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = dutch_page(b"".join(body))
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers += [
                    (b"content-length", str(len(page)).encode()),
                    (b"content-security-policy", CSP.encode()),
                ]
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        await self.app(scope, receive, capture)


def dutch_page(page: bytes) -> bytes:
    page = page.replace(b'<html\n\tlang="en"', b'<html\n\tlang="nl"', 1).replace(
        b'lang="en"', b'lang="nl"', 1
    )
    return page.replace(b"<head>", b"<head>" + DUTCH + PAGE_SCRIPT, 1)


def theme(gr: Any) -> Any:
    """Gradio's default look with its own font, in the weights of which it ships a complete file: its
    SemiBold (600) file holds only a few letters, so bold text switched font mid-word; 600 now uses the
    complete Bold file."""
    font = gr.themes.LocalFont("Source Sans Pro", weights=(400, 700))
    return gr.themes.Default(primary_hue="teal", font=(font, "ui-sans-serif", "system-ui", "sans-serif"))


def launch_options(settings: Settings, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    import gradio as gr
    from starlette.middleware import Middleware

    return {
        "server_name": host or settings.web.host,
        "server_port": port or settings.web.port,
        # Gradio's own limit (its message is English) only stops absurd uploads; the configured limit is
        # checked by the handlers with a Dutch message.
        "max_file_size": int(max(10.0, 5 * settings.web.max_upload_mb) * 1_000_000),
        "allowed_paths": [str((settings.data_dir / "exports").resolve())],
        "footer_links": [],
        "run_history": False,
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "share": False,
        "i18n": gr.I18n(nl=texts.GRADIO_NL),
        "theme": theme(gr),
        "css": CSS,
        "app_kwargs": {"middleware": [Middleware(DutchPage)]},
    }
