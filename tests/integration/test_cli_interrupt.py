"""Ctrl+C: a real ``signaltui replay`` process gets SIGINT mid-run, exits 130 (not click's
"Aborted!" with 1) and says how to resume; running the same command again resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.mock.server import serve_in_thread
from tests.helpers import ROOT
from tests.integration.test_fault_replay import write_recording

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX SIGINT")

COUNT = 30


def _env() -> dict[str, str]:
    """The test's isolated environment (autouse fixture), no proxies, no client pacing."""
    env = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    env.update(SIGNALTUI_DELIVERY__RATE_LIMIT_PER_SECOND="0", NO_PROXY="127.0.0.1,localhost")
    return env


#: Runs the rest of the command line as ``python ...`` with SIGINT's default action and
#: SIGINT unblocked. A shell's background job (``pytest &`` in a script) starts with
#: SIGINT ignored, every child inherits that, and a Python started so installs no
#: KeyboardInterrupt handler: the Ctrl+C this test sends would never reach signaltui.
_WITH_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def _replay(recording: Path, url: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-c", _WITH_SIGINT,
        "-m", "signaltui", "replay", str(recording),
        "--mode", "send", "--target", url, "--concurrency", "1", *extra,
    ]  # fmt: skip


def _interrupt_after_first_result(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # one exchange done: the run is under way
        assert first.startswith("✓"), first + (process.stderr.read() if process.stderr else "")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait(timeout=30)
    return process.returncode, err


def test_sigint_mid_replay_exits_130_with_a_resume_hint(tmp_path: Path) -> None:
    recording = tmp_path / "many.jsonl"
    write_recording(recording, COUNT)
    env = _env()
    # Limits off: when the interrupt lands before the first process saved its Outreach
    # token, the resuming process mints again and the mint throttle would hold it 60 s.
    with serve_in_thread({"faults": "slow", "latency": 0.05, "limits": "off"}) as url:
        code, err = _interrupt_after_first_result(_replay(recording, url), env)
        assert code == 130, err
        assert "interrupted after" in err and "run the same command again to resume" in err
        assert "Aborted!" not in err and "Traceback" not in err

        second = subprocess.run(
            _replay(recording, url), env=env, cwd=ROOT, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr
    assert "resumed:" in second.stdout and "already delivered were not re-sent" in second.stdout


def _raise_interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_in_verify_exits_130_saying_nothing_needs_resuming(monkeypatch):
    monkeypatch.setattr("signaltui.cli.replay.run_verify", _raise_interrupt)
    result = CliRunner().invoke(main, ["replay", str(ROOT / "recordings")])
    assert result.exit_code == 130
    assert "verify keeps no state" in result.output and "Aborted!" not in result.output


def test_ctrl_c_in_any_other_command_exits_130(monkeypatch):
    # preview streams its events: the interrupt comes while it reads them.
    monkeypatch.setattr("signaltui.cli.preview.EventStream.__iter__", _raise_interrupt)
    event = ROOT / "fixtures" / "events" / "demo-requested.json"
    result = CliRunner().invoke(main, ["preview", str(event)])
    assert result.exit_code == 130
    assert "interrupted" in result.output and "Aborted!" not in result.output
