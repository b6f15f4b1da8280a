"""Every Dutch string a user reads, in one place (the assistant says "je"), grouped by where it is read.

`texts.X` works for every name of the modules below: new strings go into the module of their place.
"""

from __future__ import annotations

from assistant.texts.answers import *  # noqa: F403
from assistant.texts.cli import *  # noqa: F403
from assistant.texts.evaluation import *  # noqa: F403
from assistant.texts.problems import *  # noqa: F403
from assistant.texts.web import *  # noqa: F403
