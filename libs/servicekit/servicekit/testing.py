"""Test plumbing: a private RabbitMQ vhost and private PostgreSQL databases per test run, and
helpers to start processes the way `make run` does.

When CI is set, an unreachable broker or database fails the run instead of skipping it.
"""

import functools
import glob
import os
import random
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import Any

RUN_ID = uuid.uuid4().hex[:8]
PG_ADMIN_DSN = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_HOST = "postgresql+psycopg2://postgres@127.0.0.1:5432"
# Tests and benchmarks sign with a secret of their own: processes refuse to start without one
# (servicekit.config.token_secret), and the development fallback is for `make run` only.
TEST_TOKEN_SECRET = "test-secret-not-for-production-0123456789"


def unavailable(what: str) -> None:
    import pytest

    message = f"{what} is unreachable"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: services are required, not optional)")
    pytest.skip(message)


def _ephemeral_start() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as handle:
            return int(handle.read().split()[0])
    except OSError:
        return 32768


def _bindable(port: int) -> bool:
    with closing(socket.socket()) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_run(count: int = 1) -> int:
    """The first of `count` consecutive free ports, below the ephemeral range: a port the
    kernel may hand to any outgoing connection can be taken between this check and the bind."""
    top = _ephemeral_start() - count
    for _ in range(500):
        first = random.randint(20000, top)
        if all(_bindable(first + i) for i in range(count)):
            return first
    raise RuntimeError(f"no run of {count} free ports found")


def free_port() -> int:
    return free_port_run(1)


def port_open(host: str, port: int) -> bool:
    with closing(socket.socket()) as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def rabbitmqctl(*args: str, node: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [shutil.which("rabbitmqctl") or "rabbitmqctl"]
    if node:
        command += ["-n", node]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)


class Vhost:
    """A RabbitMQ vhost of our own, so runs never see each other's queues."""

    def __init__(
        self,
        name: str | None = None,
        host: str = "127.0.0.1",
        port: int = 5672,
        node: str | None = None,
    ):
        self.name = name or f"minsheng-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
        self.host, self.port, self.node = host, port, node

    @property
    def uri(self) -> str:
        return f"amqp://guest:guest@{self.host}:{self.port}/{self.name}"

    def create(self) -> "Vhost":
        for args in (
            ("add_vhost", self.name),
            ("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*"),
        ):
            result = rabbitmqctl(*args, node=self.node)
            if result.returncode != 0:
                raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {result.stderr.strip()}")
        return self

    def delete(self) -> None:
        rabbitmqctl("delete_vhost", self.name, node=self.node)


class PgDatabases:
    """Databases of our own on the machine's PostgreSQL, dropped at the end."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self, label: str) -> str:
        import psycopg2

        name = f"mstest_{RUN_ID}_{label}_{uuid.uuid4().hex[:4]}"
        connection = psycopg2.connect(PG_ADMIN_DSN)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        self.created.append(name)
        return f"{PG_HOST}/{name}"

    def drop_all(self) -> None:
        import psycopg2

        connection = psycopg2.connect(PG_ADMIN_DSN)
        connection.autocommit = True
        with connection.cursor() as cursor:
            for name in self.created:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


def wait_until(
    condition: Callable[[], Any],
    seconds: float = 30,
    interval: float = 0.1,
    what: str = "condition",
) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


class Platform:
    """Processes started one by one, as `make run` starts them, for e2e, fault tests and bench."""

    def __init__(self, amqp_uri: str, data_dir: str, env: dict[str, str] | None = None):
        import sys

        self.python = sys.executable
        self.data_dir = data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "AMQP_URI": amqp_uri,
            "DATA_DIR": data_dir,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{self.port}",
            "MIGRATE": "0",
            "PYTHONWARNINGS": "ignore",
            "TOKEN_SECRET": os.environ.get("TOKEN_SECRET") or TEST_TOKEN_SECRET,
            # One test client logs in as many accounts as a journey needs, from one address;
            # the tests of that limit set their own.
            "RATE_LIMIT_LOGIN_CLIENT": "100000/60",
            **(env or {}),
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        os.makedirs(data_dir, exist_ok=True)

    def run(self, *args: str) -> None:
        subprocess.run(
            [self.python, "-m", *args], env=self.env, check=True, capture_output=True, timeout=120
        )

    def prepare(self) -> "Platform":
        self.run("servicekit.migrate")  # every registered service
        self.run("servicekit.topology")
        return self

    def _start(self, name: str, service: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(os.path.join(self.data_dir, f"{name}.log"), "ab")  # noqa: SIM115 - child's lifetime
        process = subprocess.Popen(
            [self.python, "-m", "servicekit.runner", service],
            env={**self.env, **env},
            stdout=log,
            stderr=log,
        )
        self.processes[name] = process
        return process

    def start_worker(
        self,
        level: str = "all",
        name: str | None = None,
        service: str = "collection",
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """`env`: more environment for this worker only (its METRICS_PORT, a later
        MINSHENG_TODAY on a restart)."""
        extra = {"WORKER_LEVEL": level, **(env or {})}
        return self._start(name or f"{service}-{level}", service, extra)

    def start_gateway(self) -> subprocess.Popen[bytes]:
        return self._start("gateway", "gateway", {})

    def health(self) -> dict[str, Any]:
        import requests

        try:
            return dict(requests.get(f"{self.base_url}/api/v1/health", timeout=2).json())
        except Exception:
            return {}

    def wait_levels(self, *levels: str, seconds: float = 60, service: str = "collection") -> None:
        def up() -> bool:
            services = self.health().get("services", {}).get(service, {})
            return all(services.get(level, {}).get("up") for level in levels)

        wait_until(up, seconds, 0.2, f"levels {levels} up")

    def log(self, name: str) -> str:
        with open(
            os.path.join(self.data_dir, f"{name}.log"), encoding="utf-8", errors="replace"
        ) as handle:
            return handle.read()

    def stop(self, name: str, kill: bool = False) -> None:
        process = self.processes.pop(name)
        if process.poll() is None:
            process.kill() if kill else process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


RABBITMQ_SBIN = "/usr/lib/rabbitmq/bin"  # the real scripts: /usr/sbin's `su rabbitmq` first


class PrivateRabbit:
    """A RabbitMQ node of the test's own, on free ports, for fault tests that kill the broker.

    The machine's shared broker is never touched: this node has its own name, ports, data
    directory, Erlang cookie (HOME under `base_dir`) and config file (the system one pins 5672).
    `kill()` sends SIGKILL to the beam process and to the `rabbitmq-server` wrapper we started,
    by PID; `start()` again reuses the data directory, so durable queues and persisted messages
    survive, as after a crash. epmd is shared by every node on the machine and is left alone.
    """

    def __init__(self, base_dir: str, name: str | None = None, extra_conf: str = ""):
        """`extra_conf`: more rabbitmq.conf lines (definitions to load, a TLS listener)."""
        self.base_dir = os.path.abspath(base_dir)
        self.node = f"{name or 'ms-fault-' + uuid.uuid4().hex[:8]}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        while self.dist_port == self.port:
            self.dist_port = free_port()
        home = os.path.join(self.base_dir, "home")
        for folder in ("home", "mnesia", "log"):
            os.makedirs(os.path.join(self.base_dir, folder), exist_ok=True)
        cookie = os.path.join(home, ".erlang.cookie")
        if not os.path.exists(cookie):
            with open(cookie, "w") as handle:
                handle.write(uuid.uuid4().hex.upper())
            os.chmod(cookie, 0o400)
        plugins = os.path.join(self.base_dir, "enabled_plugins")
        with open(plugins, "w") as handle:
            handle.write("[].\n")  # no management listener to clash with the shared node's
        conf = os.path.join(self.base_dir, "rabbitmq.conf")
        with open(conf, "w") as handle:
            handle.write(f"listeners.tcp.local = 127.0.0.1:{self.port}\n{extra_conf}")
        self.pid_file = os.path.join(self.base_dir, "rabbitmq.pid")
        self.env = {
            **os.environ,
            "HOME": home,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": os.path.join(self.base_dir, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(self.base_dir, "log"),
            "RABBITMQ_PID_FILE": self.pid_file,
            "RABBITMQ_ENABLED_PLUGINS_FILE": plugins,
            "RABBITMQ_CONFIG_FILE": conf,
        }
        self.wrapper: subprocess.Popen[bytes] | None = None
        self.beam_pid: int | None = None
        self.starts = 0

    @property
    def uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"  # the node's default vhost "/"

    def ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [os.path.join(RABBITMQ_SBIN, "rabbitmqctl"), "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, seconds: float = 90) -> "PrivateRabbit":
        assert self.wrapper is None or self.wrapper.poll() is not None, "already running"
        if os.path.exists(self.pid_file):
            os.unlink(self.pid_file)
        self.starts += 1
        log = open(os.path.join(self.base_dir, f"server-{self.starts}.out"), "ab")  # noqa: SIM115
        self.wrapper = subprocess.Popen(
            [os.path.join(RABBITMQ_SBIN, "rabbitmq-server")],
            env=self.env,
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + seconds
        while True:
            if self.wrapper.poll() is not None:
                raise RuntimeError(f"rabbitmq-server {self.node} exited: see {self.base_dir}")
            if port_open("127.0.0.1", self.port) and self._started():
                break
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"rabbitmq-server {self.node} did not start in {seconds}s")
            time.sleep(0.3)
        self.beam_pid = self._read_beam_pid()
        return self

    def _started(self) -> bool:
        try:
            return self.ctl("await_startup", timeout=30).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def _read_beam_pid(self) -> int | None:
        """The Erlang VM's PID: the node writes it to the pid file; else the wrapper's child."""
        try:
            with open(self.pid_file) as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            pass
        if self.wrapper is None:
            return None
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        comm, _, rest = handle.read().rpartition(")")
                except OSError:
                    continue
                if rest.split()[1] == str(self.wrapper.pid) and "beam" in comm:
                    return int(entry)
        return None

    def kill(self) -> None:
        """SIGKILL, as a crash: no clean shutdown, no flushing beyond what is already on disk."""
        import signal
        from contextlib import suppress

        if self.beam_pid is None and self.wrapper is not None and self.wrapper.poll() is None:
            self.beam_pid = self._read_beam_pid()  # a start that failed half-way
        if self.beam_pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self.beam_pid, signal.SIGKILL)
        if self.wrapper is not None and self.wrapper.poll() is None:
            try:
                self.wrapper.wait(timeout=5)  # the wrapper reaps beam and exits by itself
            except subprocess.TimeoutExpired:
                self.wrapper.kill()
                self.wrapper.wait()
        if self.beam_pid is not None:
            beam_pid = self.beam_pid  # narrowed to int: the lambda cannot see the check above
            wait_until(lambda: not _alive(beam_pid), 10, 0.1, f"beam {beam_pid} gone")
        wait_until(lambda: not port_open("127.0.0.1", self.port), 10, 0.1, "AMQP port closed")
        self.beam_pid = None

    def restart(self, down_seconds: float = 0) -> "PrivateRabbit":
        self.kill()
        time.sleep(down_seconds)
        return self.start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) is gone for our purposes
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


PG_BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), "")


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, on a free port, for fault tests that stop the
    database (the machine's cluster is never touched).

    PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the
    `postgres` user (runuser). Trust auth on 127.0.0.1 only. `stop()` is a fast shutdown (the
    clients see their connections closed, then refused); `start()` again reuses the data
    directory. (No SIGKILL here: without an init that reaps them, a killed postmaster lingers
    as a zombie whose PID blocks the restart.)
    """

    def __init__(self) -> None:
        import tempfile

        # Under /tmp, not pytest's tmp_path: the postgres user cannot enter root's 0700 folders.
        self.base_dir = tempfile.mkdtemp(prefix="minsheng-pg-")
        self.data = os.path.join(self.base_dir, "data")
        self.port = free_port()
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_owner:
            shutil.chown(self.base_dir, "postgres", "postgres")
        self._run(
            f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self._as_owner, *command], capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]}: {result.stdout}{result.stderr}")
        return result

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> "PrivatePostgres":
        options = f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1"
        log = os.path.join(self.base_dir, "server.log")
        self._run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")
        return self

    def stop(self) -> None:
        self._run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return self.url(name)

    def destroy(self) -> None:
        from contextlib import suppress

        with suppress(Exception):
            self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)


@dataclass(frozen=True)
class TlsFiles:
    ca: str  # the CA certificate clients trust (AMQP_CA_FILE)
    cert: str  # the server's certificate, signed by that CA, for localhost and 127.0.0.1
    key: str


def make_tls_files(folder: str, days: int = 2) -> TlsFiles:
    """A throw-away CA and a server certificate it signed, made with the openssl CLI (the same
    commands README's "Broker and ops" gives for a deployment)."""
    os.makedirs(folder, exist_ok=True)
    path = functools.partial(os.path.join, folder)
    with open(path("san.cnf"), "w") as handle:
        handle.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for command in (
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"),
         "-out", path("ca.pem"), "-days", str(days), "-subj", "/CN=Minsheng test CA"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"),
         "-out", path("server.csr"), "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey",
         path("ca.key"), "-CAcreateserial", "-out", path("server.pem"), "-days", str(days),
         "-extfile", path("san.cnf")],
    ):  # fmt: skip
        subprocess.run(["openssl", *command], check=True, capture_output=True, timeout=60)
    return TlsFiles(path("ca.pem"), path("server.pem"), path("server.key"))


def tls_conf(tls: TlsFiles, port: int, definitions: str | None = None) -> str:
    """rabbitmq.conf lines: a TLS listener on 127.0.0.1:port (clients need no certificate),
    and the definitions to load at boot (no default guest user is created then)."""
    lines = [
        f"listeners.ssl.default = 127.0.0.1:{port}",
        f"ssl_options.cacertfile = {tls.ca}",
        f"ssl_options.certfile = {tls.cert}",
        f"ssl_options.keyfile = {tls.key}",
        "ssl_options.verify = verify_none",
        "ssl_options.fail_if_no_peer_cert = false",
    ]
    if definitions:
        lines.append(f"load_definitions = {definitions}")
    return "".join(f"{line}\n" for line in lines)
