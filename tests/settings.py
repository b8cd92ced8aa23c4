"""The settings the tests run with: Tousu's own, with a secret key made for this run (Tousu
refuses to start without one). Set in os.environ, so the commands a test starts as separate
processes inherit it."""

import os
import secrets

os.environ.setdefault("TOUSU_SECRET_KEY", "tests-" + secrets.token_urlsafe(32))

from tousu.settings import *  # noqa: E402,F403
