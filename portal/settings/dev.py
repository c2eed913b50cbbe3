"""Local development: the embedded defaults, debug on, plain-HTTP cookies."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECURE_COOKIES", "false")

from portal.settings.base import *  # noqa: F403
