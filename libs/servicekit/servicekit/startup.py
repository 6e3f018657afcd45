"""Start-up checks for a process and the processes it starts, without eventlet: the broker
answers, the ports are free (and if not, who holds them), a child dies with its parent.

`servicekit.runner` (a worker) and `scripts.run_platform` (`make run`, which supervises workers
and must not be monkey-patched) both use these.
"""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from functools import cache

BROKER_HELP = (
    "无法连接消息队列 RabbitMQ：{uri} — 请先启动 RabbitMQ（本机：rabbitmq-server -detached；"
    "容器：docker compose up -d rabbitmq），或设置 AMQP_URI。"
    "(RabbitMQ unreachable; start one or set AMQP_URI.)"
)


def broker_reachable(uri: str) -> bool:
    from .broker import connection as broker_connection

    try:
        with broker_connection(uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:
        return False


# --- ports -----------------------------------------------------------------------------------


def split_address(address: str, default_host: str = "127.0.0.1") -> tuple[str, int]:
    """`host:port`, `:port` or `port` → (host, port)."""
    host, _, port = address.rpartition(":")
    return host.strip("[]") or default_host, int(port)


def bindable(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now. SO_REUSEADDR, as the servers set it: a
    port whose old connections linger in TIME_WAIT is free, a listening one is not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with closing(socket.socket(family, socket.SOCK_STREAM)) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str


def _socket_inodes(port: int) -> list[str]:
    """Inodes of the TCP sockets bound to `port` (listening ones first), from /proc/net/tcp*."""
    listening: list[str] = []
    other: list[str] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or int(fields[1].rsplit(":", 1)[1], 16) != port:
                continue
            (listening if fields[3] == "0A" else other).append(fields[9])
    return [inode for inode in listening + other if inode != "0"]


def command_line(pid: int, limit: int = 160) -> str:
    """The process's command line on one line (whitespace collapsed), at most `limit` chars."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            raw = handle.read()
    except OSError:
        return "?"
    text = " ".join(raw.replace(b"\0", b" ").decode(errors="replace").split()) or "?"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _holders_from_proc(port: int) -> list[Holder]:
    wanted = {f"socket:[{inode}]" for inode in _socket_inodes(port)}
    if not wanted:
        return []
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            descriptors = os.listdir(f"/proc/{entry}/fd")
        except OSError:  # gone, or another user's process
            continue
        for fd in descriptors:
            try:
                target = os.readlink(f"/proc/{entry}/fd/{fd}")
            except OSError:
                continue
            if target in wanted:
                found.append(Holder(int(entry), command_line(int(entry))))
                break
    return found


def _holders_from_ss(port: int) -> list[Holder]:
    ss = shutil.which("ss")
    if not ss:
        return []
    try:
        result = subprocess.run(
            [ss, "-Htanp", f"sport = :{port}"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return []
    pids: list[int] = []
    for part in result.stdout.split("pid=")[1:]:
        digits = part.split(",", 1)[0]
        if digits.isdigit() and int(digits) not in pids:
            pids.append(int(digits))
    return [Holder(pid, command_line(pid)) for pid in pids]


def port_holders(port: int) -> list[Holder]:
    """The processes holding TCP `port`: /proc/net/tcp + /proc/<pid>/fd, else `ss -tanp`;
    empty when neither can tell (another user's process, not Linux)."""
    return _holders_from_proc(port) or _holders_from_ss(port)


def _describe(host: str, port: int, holders: Iterable[Holder]) -> str:
    who = "；".join(f"pid {h.pid} `{h.command}`" for h in holders)
    return f"{host}:{port} ← {who or '占用进程未知（或属其他用户）(holder unknown)'}"


def taken_ports_message(
    addresses: Iterable[tuple[str, int]],
    hint: str,
    *,
    is_free: Callable[[str, int], bool] = bindable,
    holders: Callable[[int], list[Holder]] = port_holders,
) -> str | None:
    """None when every address can be listened on; otherwise one line, Chinese first, naming
    each taken address and the PID and command line of whoever holds it."""
    taken = [(host, port) for host, port in addresses if not is_free(host, port)]
    if not taken:
        return None
    described = "，".join(_describe(host, port, holders(port)) for host, port in taken)
    return (
        f"端口已被占用，未启动任何进程：{described} — 请先停止占用的进程，或{hint}。"
        "(port in use, nothing started: stop the holder or choose other ports.)"
    )


# --- children --------------------------------------------------------------------------------

PR_SET_PDEATHSIG = 1


@cache
def _prctl() -> Callable[..., int]:
    return ctypes.CDLL(None, use_errno=True).prctl  # libc's, already loaded


def parent_death_signal(sig: int, parent: int) -> bool:
    """Ask the kernel to send this process `sig` when its parent dies, even by SIGKILL (Linux
    PR_SET_PDEATHSIG). False if `parent` is already gone (we were reparented before the call
    took effect) or prctl is unavailable. The signal follows the *thread* that forked us: a
    parent must start children from a thread that lives as long as it does (the main one)."""
    if not sys.platform.startswith("linux"):
        return False
    _prctl()(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    return os.getppid() == parent


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A `preexec_fn` for subprocess.Popen: the child gets `sig` when this process dies. Set
    between fork and exec, so there is no window in which the child could miss the death, and
    nothing the child's own code must do. None where prctl is unavailable."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()
    _prctl()  # resolved here: the child between fork and exec only makes the call

    def preexec() -> None:
        if not parent_death_signal(sig, parent):
            os._exit(1)

    return preexec
