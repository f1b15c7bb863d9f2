"""One production configuration: the env file, the Dockerfile and the HAProxy configuration agree."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_FILE = ROOT / "deploy" / "production.env"


def production_env():
    lines = ENV_FILE.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_image_sets_every_production_setting_to_the_same_value():
    env = dict(re.findall(r"\b(STREAMLIT_[A-Z_]+)=(\S+)", (ROOT / "Dockerfile").read_text()))
    assert production_env().items() <= env.items()


def test_production_turns_the_file_watcher_off():
    assert production_env()["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] == "none"


def test_the_production_settings_are_real_streamlit_options():
    from streamlit import config

    names = {re.sub(r"(?<!^)(?<=[a-z])(?=[A-Z])", "_", n).upper() for n in
             (f"STREAMLIT_{k.replace('.', '_')}" for k in config._config_options_template)}
    assert production_env().keys() <= names


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="needs haproxy")
def test_the_haproxy_configuration_is_valid_with_servers_appended(tmp_path):
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text((ROOT / "deploy" / "haproxy" / "haproxy.cfg").read_text()
                   + "    server replica1 127.0.0.1:9 cookie replica1\n")
    result = subprocess.run([shutil.which("haproxy"), "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30,
                            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HAPROXY_BIND": "127.0.0.1:9"})
    assert result.returncode == 0, result.stdout + result.stderr
