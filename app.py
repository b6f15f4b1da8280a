"""The web app: `python app.py` (same as `wibb serve`, with the same `--host` and `--port`) serves
http://127.0.0.1:7860.

`demo` is at module level so `gradio app.py` (reload mode) finds it. The page is served at once;
the index and models load in a background thread. `python app.py --help` prints the options and stops
before anything is loaded.
"""

import sys

from assistant.cli.parser import app_parser

if __name__ == "__main__":
    ARGS = app_parser().parse_args()

from assistant.config import make_settings
from assistant.web.app import build_demo, serve
from assistant.web.server import configure_environment

settings = make_settings()
configure_environment(settings)  # before gradio is imported: no analytics, uploads inside the data folder
demo = build_demo(None, settings, warm_up=True)

if __name__ == "__main__":
    sys.exit(serve(settings, ARGS.host, ARGS.port, demo=demo))
