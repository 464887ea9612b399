"""`python -m bot sandbox` as a person runs it: one line with the address, a clean stop."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
ADDRESS = re.compile(r"^Sandbox: open (http://127\.0\.0\.1:(\d+)) in a browser \(Ctrl\+C to stop\)$")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_the_sandbox_command_prints_its_address_and_stops_cleanly(tmp_path, stop):
    env = {
        **os.environ,
        "SANDBOX_PORT": "0",  # any free port
        "SANDBOX_DATABASE_PATH": str(tmp_path / "sandbox.sqlite3"),
        "BOT_TOKEN": "",
        "TELEGRAM_API_BASE_URL": "https://api.telegram.org/bot",  # must be ignored
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox"],
        cwd=tmp_path,  # no .env here
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        match = ADDRESS.match(line)
        if not match:
            process.kill()
            pytest.fail(f"unexpected first line {line!r}; stderr:\n{process.communicate()[1]}")
        url = match.group(1)
        with urllib.request.urlopen(f"{url}/sandbox/api/personas", timeout=10) as response:
            names = [p["name"] for p in json.load(response)["personas"]]
        assert names[:4] == ["Aida", "Bermet", "Gulnara", "Admin"]
        process.send_signal(stop)
        assert process.wait(timeout=15) == 0
        assert (tmp_path / "sandbox.sqlite3").exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_a_busy_port_is_one_clear_line_and_exit_code_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "SANDBOX_DATABASE_PATH": str(tmp_path / "sandbox.sqlite3"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
