"""servicekit.startup: free ports, who holds a taken one, children that die with their parent."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing

import pytest
from servicekit import startup
from servicekit.startup import Holder

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and prctl")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("0.0.0.0:9101", ("0.0.0.0", 9101)),
        (":8000", ("127.0.0.1", 8000)),
        ("8000", ("127.0.0.1", 8000)),
        ("[::1]:8000", ("::1", 8000)),
    ],
)
def test_an_address_splits_into_host_and_port(address, expected):
    assert startup.split_address(address) == expected


def _listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_a_listening_port_is_not_bindable_and_a_closed_one_is():
    with closing(_listening()) as sock:
        port = sock.getsockname()[1]
        assert not startup.bindable("127.0.0.1", port)
    assert startup.bindable("127.0.0.1", port)


@linux_only
def test_the_holder_of_a_port_is_this_process_with_its_command_line():
    with closing(_listening()) as sock:
        holders = startup.port_holders(sock.getsockname()[1])
    assert [h.pid for h in holders] == [os.getpid()]
    assert "\n" not in holders[0].command and len(holders[0].command) <= 160
    assert "python" in holders[0].command or "nameko" in holders[0].command


def test_a_long_command_line_is_one_shortened_line():
    text = startup.command_line(os.getpid(), limit=10)
    assert len(text) <= 10 and "\n" not in text


def test_free_ports_give_no_message():
    assert startup.taken_ports_message([("127.0.0.1", 1)], "x", is_free=lambda h, p: True) is None


def test_taken_ports_are_one_chinese_first_line_naming_each_holder():
    message = startup.taken_ports_message(
        [("127.0.0.1", 8000), ("127.0.0.1", 9101), ("127.0.0.1", 9102)],
        "设置 WEB_SERVER_ADDRESS / METRICS_PORT_BASE",
        is_free=lambda host, port: port == 9101,
        holders=lambda port: (
            [Holder(4242, "python -m servicekit.runner gateway")] if port == 8000 else []
        ),
    )
    assert message is not None and "\n" not in message
    assert message.startswith("端口已被占用，未启动任何进程")
    assert "127.0.0.1:8000 ← pid 4242 `python -m servicekit.runner gateway`" in message
    assert "127.0.0.1:9102 ← 占用进程未知" in message
    assert "9101" not in message
    assert "WEB_SERVER_ADDRESS / METRICS_PORT_BASE" in message


# A parent that starts `sleep` with die_with_parent, prints the child's pid, then waits.
PARENT = """
import subprocess, sys, time
from servicekit.startup import die_with_parent
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                         preexec_fn=die_with_parent())
print(child.pid, flush=True)
time.sleep(60)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@linux_only
def test_a_child_started_with_die_with_parent_ends_when_the_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    child = int(parent.stdout.readline())  # type: ignore[union-attr]
    assert not _gone(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert _gone(child), "the child outlived its SIGKILLed parent"
    finally:
        if not _gone(child):
            os.kill(child, signal.SIGKILL)


@linux_only
def test_parent_death_signal_is_set_while_the_parent_lives():
    code = (
        "import os, signal; from servicekit.startup import parent_death_signal; "
        "print(parent_death_signal(signal.SIGTERM, os.getppid()))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr
