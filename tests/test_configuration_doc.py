"""Every environment variable the settings read is explained in docs/configuration.md, where
the README sends an operator."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_variable_the_settings_read_is_documented():
    settings = (ROOT / "tousu" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"\"((?:TOUSU|DATABASE|REDIS)_[A-Z_]+)\"", settings))
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert len(read) > 30
    missing = sorted(name for name in read if name not in documented
                     and not (name.endswith("_FILE") and name[:-5] in documented))
    assert not missing, f"not in docs/configuration.md: {missing}"
