"""bench/updates.py still runs end to end (a tiny load): both bots answer every update it sends.
Its figures are for people to read; no test judges speed."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_updates_benchmark_runs_both_bots_and_every_update_is_answered():
    command = [sys.executable, "bench/updates.py", "--users", "4", "--messages", "4", "--rates", "20", "--rounds", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for bot in ("bot", "bare_ptb_echo"):
        figures = result[bot]
        assert figures["updates"] == figures["answered"] == 4 * 4 + 4 * 1
        assert figures["updates_per_s"] > 0 and figures["bot_cpu_ms_per_update"] > 0
    assert set(result["bot"]["latency_at"]) == {"20_per_s"}
