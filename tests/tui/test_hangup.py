"""fptui in a real terminal (a pseudo-terminal) ended under a cadre's hands: the SSH
connection drops (the terminal hangs up: SIGHUP), the process is told to stop (SIGTERM),
or an error nobody expected. Each time the form being typed is kept as a draft and comes
back when the same form is opened again; the exit status says what happened; after an
error the terminal shows one line, no traceback, no name.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from fptui import idcard
from fptui.tui.app import FptuiApp
from fptui.tui.screens.form import FormScreen

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="needs a POSIX terminal")

NAME = "赵铁柱"
ID_NUMBER = idcard.make("140121", dt.date(1990, 5, 4), 7, "M")

# The child: fptui's own command, with `ledger.add_person` failing when asked to (its
# message and locals hold the name and the ID number).
CHILD = """
import sys
if sys.argv[1] == "fail":
    from fptui import ledger

    def add_person(household, values):
        name, number = values["name"], values["id_number"]
        raise ValueError(f"{name} {number}")

    ledger.add_person = add_person
from fptui.cli import main
sys.exit(main(["--db", sys.argv[2]]))
"""


class Terminal:
    """A pseudo-terminal of 80x24 with fptui running in it as its controlling process."""

    def __init__(self, url: str, data_home: Path, mode: str = "") -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "XDG_DATA_HOME": str(data_home)}
        self.child = subprocess.Popen(
            [sys.executable, "-c", CHILD, mode or "run", url],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            env=env,
        )
        os.close(slave)
        self.output = b""

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the child is gone
                return
            if not data:
                return
            self.output += data

    def wait_for(self, text: str, seconds: float = 30) -> None:
        end = time.monotonic() + seconds
        while text.encode() not in self.output:
            assert time.monotonic() < end, f"{text!r} never shown"
            self.read(0.1)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def open_new_person_form_and_type(self) -> None:
        self.wait_for("0001")
        self.type("0001\r")
        self.read(1.5)
        self.type("a")
        self.wait_for("新增人员")
        self.read(0.5)
        self.type(NAME)
        self.read(0.3)
        self.type("\t")
        self.read(0.3)
        self.type(ID_NUMBER)
        self.read(0.5)

    def hang_up(self) -> None:
        os.close(self.master)  # the terminal is gone: its controlling process gets SIGHUP
        self.master = -1

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        if self.master >= 0:
            os.close(self.master)


@pytest.fixture
def terminal(family, ledger_db, tmp_path, monkeypatch):
    home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))  # the drafts, for the test's own app
    opened: list[Terminal] = []

    def start(mode: str = "") -> Terminal:
        opened.append(Terminal(ledger_db.url, home, mode))
        return opened[-1]

    yield start
    for t in opened:
        t.close()


async def the_draft_comes_back() -> None:
    app = FptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"0001", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.input("name").value == NAME
        assert form.input("id_number").value == ID_NUMBER
        assert form.query("#form-draft")


async def test_a_dropped_connection_keeps_the_form_as_a_draft(terminal):
    t = terminal()
    t.open_new_person_form_and_type()
    t.hang_up()
    assert t.child.wait(timeout=30) == 128 + signal.SIGHUP
    await the_draft_comes_back()


async def test_sigterm_keeps_the_form_and_says_so(terminal):
    t = terminal()
    t.open_new_person_form_and_type()
    t.child.send_signal(signal.SIGTERM)
    assert t.child.wait(timeout=30) == 128 + signal.SIGTERM
    t.read(1)
    after = t.output.rsplit(b"\x1b[?1049l", 1)[-1].decode(errors="replace")  # the shell's screen
    assert "fptui 已停止（收到停止信号）。未保存的表单已留作草稿，下次打开时恢复。" in after
    await the_draft_comes_back()


async def test_an_error_in_a_real_terminal_is_one_line_status_3_and_a_draft(terminal):
    t = terminal("fail")
    t.open_new_person_form_and_type()
    t.type("\x13")  # Ctrl+S
    assert t.child.wait(timeout=30) == 3
    t.read(1)
    after = t.output.rsplit(b"\x1b[?1049l", 1)[-1].decode(errors="replace")
    shown = re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]", "", after).strip()  # the text, no controls
    assert shown.startswith("fptui: 出错了（ValueError）：已写入错误报告 "), after
    assert shown.count("\n") == 0
    assert NAME not in after and ID_NUMBER not in after and "Traceback" not in after
    await the_draft_comes_back()
