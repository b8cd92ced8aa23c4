"""The examples in deploy/ stay true to the code: the units run commands that exist and pass
systemd's own check, and the environment file names only variables the settings read."""

import re
import shutil
import subprocess

import pytest

from tests.faults.helpers import ROOT

DEPLOY = ROOT / "deploy"
SETTINGS = (ROOT / "tousu" / "settings.py").read_text()


def test_the_environment_file_names_only_variables_the_settings_read():
    names = set(re.findall(r"\b((?:TOUSU|DATABASE)_[A-Z_]+)=", (DEPLOY / "tousu.env").read_text()))
    assert {"DATABASE_URL", "TOUSU_SECRET_KEY_FILE", "TOUSU_DATA_DIR", "TOUSU_BIND"} <= names
    unread = sorted(n for n in names if f'"{n.removesuffix("_FILE")}"' not in SETTINGS)
    assert unread == []


@pytest.mark.parametrize(("unit", "command"), [("tousu-web.service", "serve"), ("tousu-worker.service", "worker")])
def test_the_units_run_tousu_commands_and_pass_systemds_check(tmp_path, unit, command):
    text = (DEPLOY / unit).read_text()
    assert re.search(rf"^ExecStart=\S+/tousu {command}$", text, re.M)
    assert (ROOT / "tousu" / "ops" / "management" / "commands" / f"{command}.py").exists()
    assert "RestartPreventExitStatus=78" in text  # tousu/cli.py: a settings mistake is not retried
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    (tmp_path / unit).write_text(text.replace("/srv/tousu/.venv/bin/tousu", "/bin/true")
                                 .replace("/etc/tousu/tousu.env", str(DEPLOY / "tousu.env")))
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / unit)], capture_output=True, text=True)
    assert done.returncode == 0 and unit not in done.stderr, done.stderr


def test_the_nginx_site_proxies_to_the_bind_address_and_never_serves_uploads():
    site = (DEPLOY / "nginx-tousu.conf").read_text()
    bind = re.search(r"^TOUSU_BIND=(\S+)", (DEPLOY / "tousu.env").read_text(), re.M).group(1)
    assert f"server {bind} " in site
    assert re.search(r"location /media/ \{\s*return 404;", site)
