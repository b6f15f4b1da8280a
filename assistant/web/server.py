"""How the app is served: offline, on 127.0.0.1, in Dutch for every browser, with a strict CSP.

`launch_options()` are the `Blocks.launch()` arguments; `DutchPage` is the ASGI middleware that sets
the locale and the Content-Security-Policy on the HTML page before Gradio's own scripts run.
"""

from __future__ import annotations

import os
from typing import Any

from assistant import texts
from assistant.config import Settings

CSS = """
.wibb-cards {display: grid !important; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
  gap: 12px;}
.wibb-card {white-space: pre-line !important; text-align: left !important;
  justify-content: flex-start !important; align-items: flex-start !important; font-weight: normal !important;
  min-height: 8em; padding: 10px 12px !important;}
.wibb-card::first-line {font-weight: bold;}
#wibb-status:empty {display: none;}
/* Table headers wrap between words only (Gradio breaks them anywhere: "Geslaag d"). */
.wibb-table th span.header {word-break: normal !important; overflow-wrap: normal !important;}
.wibb-examples {align-items: center; gap: 6px; flex-wrap: wrap;}
.wibb-examples-label {flex: 0 0 100%; font-size: 0.85em; color: var(--body-text-color-subdued);}
.wibb-examples button {flex: 0 1 auto !important; min-width: 0 !important; white-space: normal;}
/* A phone: the question box in view without scrolling, under a shorter chat. */
@media (max-width: 640px) {
  #wibb-chat {height: 46vh !important; max-height: 46vh !important; min-height: 0 !important;}
  .wibb-subtitle {display: none;}
  h1 {font-size: 1.3em !important; margin: 0 !important;}
}
"""
# Runs in the page head (an inline script: the CSP forbids the eval Gradio uses for `js=` options).
# A new question scrolls to the top of the chat, so its answer is read from its first line; a full text
# opened with a click (also an earlier test run, opened from the runs table below it) comes into view; the
# controls Gradio leaves unnamed get a Dutch name.
PAGE_SCRIPT = b"""<script>(function(){
var lastUser=null, clicked=0, shown={};
function follow(){
  var chat=document.querySelector('#wibb-chat'); if(!chat) return;
  var users=chat.querySelectorAll('.message-row.user-row, .user-row');
  var newest=users[users.length-1];
  if(newest && newest!==lastUser){ lastUser=newest; newest.scrollIntoView({block:'start'}); }
}
function reveal(){
  ['#wibb-doc','#wibb-browse-doc','#wibb-eval-summary'].forEach(function(id){
    var el=document.querySelector(id); if(!el) return;
    var text=el.textContent;
    var changed=shown[id]!==undefined && text!==shown[id];
    if(changed && Date.now()-clicked<5000){ el.scrollIntoView({block:'start'}); }
    shown[id]=text;
  });
}
function name(){
  var box=document.querySelector('#wibb-vraag textarea');
  if(box && !box.getAttribute('aria-label')) box.setAttribute('aria-label', '@QUESTION@');
  document.querySelectorAll('#wibb-chat button').forEach(function(b){
    if(b.getAttribute('aria-label')) return;
    var text=(b.textContent||'').trim();
    b.setAttribute('aria-label', text || 'Knop');
  });
}
document.addEventListener('click', function(){ clicked=Date.now(); }, true);
function start(){ new MutationObserver(function(){ follow(); reveal(); name(); })
  .observe(document.body,{childList:true,subtree:true,characterData:true}); }
if(document.readyState==='loading'){ document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();</script>""".replace(b"@QUESTION@", texts.WEB["question_label"].encode())
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
    """Before gradio is imported: no analytics, and its upload cache inside the data folder."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "gradio").resolve()))


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
        "theme": gr.themes.Default(primary_hue="teal"),
        "css": CSS,
        "app_kwargs": {"middleware": [Middleware(DutchPage)]},
    }
