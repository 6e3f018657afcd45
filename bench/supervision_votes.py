"""The event chain of bench.bench_supervision: a real vote per session, then "results announced
→ project created → supervision file opened", timed from the announce call.

Each session is a township congress's vote over HTTP through the gateway, as scripts.http_vote
holds one: its frozen list of 36 candidates (30 seats, the 20% differential) published on the
broker as collection's relay would (tests.support.voting_floor: the collection side is not part
of the chain), a session on it, deliberation, 5 of 6 deputies checked in (the quorum is more
than two thirds), each deputy's token made here as the deputy's device makes it, 5 ballots
approving the first 30, close, tally. Then the clock starts, `POST …/announce` goes out, and
the session's 30 files are waited for: voting's relay → implementation makes 30 projects in one
transaction → its relay → supervision opens a file per project_created_v1.

How the file's existence is seen (`--poll`): `route` asks GET /api/v1/projects/<id>/supervision
of every project whose file has not answered 200 yet, round after round in the order they were
made, one request at a time (the files open in about that order, so the last round holds one
or two: the time is an upper bound by about a request or two; the polling is load on the same
cores as the chain); `db` counts the session's rows in supervision's `projects` table (SQLite,
read-only: a row and its file's first line commit together). Beside either, from the
database afterwards: the latest `projects.created_at` of the session (stamped by the handler as
it opens the file) minus the announce call's start — the chain inside the services, without the
poll's own delay.
"""

import functools
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from contracts.implementation import project_id_for
from servicekit import testing
from sqlalchemy import Engine, bindparam, create_engine, text
from sqlalchemy.pool import NullPool

from bench import stack
from bench.city_checks import percentile
from bench.city_setup import cpu_of
from scripts import http_vote
from tests.support.voting_floor import frozen_list_envelope, publish_frozen_list

SEATS = 30
CANDIDATES = 36  # ceil(30 x 1.2)
DEPUTIES = 6
PRESENT = 5  # 5 x 3 > 6 x 2: the quorum; 5 approvals > 6 / 2: elected
CHAIN_TIMEOUT_S = 60.0
POLL_PAUSE_S = 0.005


STAGES = ("announce call returned", "implementation made the projects",
          "supervision's first file", "supervision's last file")  # fmt: skip


@dataclass
class Timed:
    """One session's chain: the poll's wall time, and each stage from the database, in ms."""

    town: str
    poll: str  # route / db
    polled_ms: float
    stages: dict[str, float]
    files: int
    cpu_ms: dict[str, float]  # per process, from the announce call to the last file seen
    read: int  # files read through the route afterwards (not timed)
    vote_s: float  # the vote before the announcement: setup, not timed

    @property
    def in_service_ms(self) -> float:
        return self.stages[STAGES[-1]]


def prepare_towns(staff: http_vote.Http, towns: list[str]) -> None:
    """Voting rules and a roster of 6 deputies in each town that holds a session."""
    for town in towns:
        http_vote.adopt_rules(staff, town, datetime.now(UTC).date(), "鄂人大〔票决〕1号", "公告栏")
        csv = http_vote.roster_csv(f"S{town[-3:]}", DEPUTIES)
        http_vote.import_roster(staff, town, "镇人大代表名册", csv)


def voted_session(staff: http_vote.Http, public: http_vote.Http, amqp_uri: str, town: str,
                  year: int) -> tuple[str, list[str]]:  # fmt: skip
    """A session of `town` voted, closed and tallied; its id and the 30 elected projects' ids
    in the order implementation makes them (the candidates' rank)."""
    envelope = frozen_list_envelope(CANDIDATES, SEATS, area=town, year=year)
    publish_frozen_list(amqp_uri, envelope)
    ids = [str(c["proposal_id"]) for c in envelope["payload"]["candidates"]]
    frozen = http_vote.FrozenList(envelope["payload"]["candidate_list_id"], town, year, ids, {})
    sid = http_vote.new_session(staff, frozen, f"{year}年民生实事项目票决")["id"]
    http_vote.step(staff, sid, "deliberation")
    present = [f"S{town[-3:]}-{n:03d}" for n in range(1, PRESENT + 1)]
    staff.call("POST", f"/api/v1/sessions/{sid}/check-in", body={"deputy_numbers": present})
    http_vote.step(staff, sid, "open")
    ballot = dict.fromkeys(ids[:SEATS], "approve") | dict.fromkeys(ids[SEATS:], "oppose")
    http_vote.cast_all(staff, public, sid, [(number, ballot) for number in present])
    http_vote.step(staff, sid, "close")
    http_vote.step(staff, sid, "tally")
    return sid, [project_id_for("township", sid, pid) for pid in ids[:SEATS]]


def announce_and_wait(staff: http_vote.Http, sid: str, projects: list[str], poll: str,
                      database: str) -> tuple[float, datetime, float]:  # fmt: skip
    """The announce call, then every file waited for: the wall ms, the call's start and the
    call's own ms."""
    began_at = datetime.now(UTC)
    began = time.perf_counter()
    elected = http_vote.step(staff, sid, "announce")["elected"]
    call_ms = (time.perf_counter() - began) * 1000
    if len(elected) != SEATS:
        raise stack.StackFailed(f"session {sid}: {len(elected)} elected, not {SEATS}")
    deadline = began + CHAIN_TIMEOUT_S
    if poll == "route":
        wait_routes(staff, projects, deadline)
    else:
        wait_rows(database, projects, deadline)
    return (time.perf_counter() - began) * 1000, began_at, call_ms


def wait_routes(staff: http_vote.Http, projects: list[str], deadline: float) -> None:
    """Round after round over the projects whose file is not there yet, in the order they were
    made, one request at a time, until none is left."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {staff.token}"
    waiting = list(projects)
    while waiting:
        for project in list(waiting):
            url = f"{staff.base_url}/api/v1/projects/{project}/supervision"
            answer = session.get(url, timeout=30)
            if answer.status_code == 200:
                waiting.remove(project)
            elif answer.status_code != 404:
                raise stack.StackFailed(f"GET {url}: {answer.status_code} {answer.text[:300]}")
        if time.perf_counter() > deadline:
            raise stack.StackFailed(f"no supervision file yet for {len(waiting)} projects")
        if waiting:
            time.sleep(POLL_PAUSE_S)


def database_url(platform: testing.Platform, name: str) -> str:
    """Where the stack keeps service `name`'s database: its *_DATABASE_URL (--postgres) or the
    SQLite file under the data folder."""
    return platform.env.get(f"{name.upper()}_DATABASE_URL") or (
        f"sqlite:///{platform.data_dir}/{name}.db"
    )


@functools.cache
def _reader(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def created(database: str, projects: list[str]) -> list[datetime]:
    """When each of the session's projects was made there (`projects.created_at`, stamped by
    the handler as it stages the row); as many as there are yet. `database`: a URL."""
    query = text("SELECT created_at FROM projects WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    with _reader(database).connect() as connection:
        return [as_utc(row[0]) for row in connection.execute(query, {"ids": projects})]


def wait_rows(database: str, projects: list[str], deadline: float) -> None:
    while len(created(database, projects)) < len(projects):
        if time.perf_counter() > deadline:
            raise stack.StackFailed(f"supervision opened {len(created(database, projects))} files")
        time.sleep(POLL_PAUSE_S)


def stages(platform: testing.Platform, projects: list[str], began_at: datetime, call_ms: float
           ) -> dict[str, float]:  # fmt: skip
    """Each stage's ms after the announce call's start, from the services' own stamps."""
    made = created(database_url(platform, "implementation"), projects)
    files = sorted(created(database_url(platform, "supervision"), projects))

    def ms(moment: datetime) -> float:
        return (moment - began_at).total_seconds() * 1000

    return dict(zip(STAGES, (call_ms, ms(max(made)), ms(files[0]), ms(files[-1])), strict=True))


def as_utc(value: str | datetime) -> datetime:
    """A stamp as the database hands it back (SQLite: ISO text; PostgreSQL: a datetime)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def idle_cpu(platform: testing.Platform, seconds: float = 2.0) -> dict[str, float]:
    """Each process's CPU ms per second with nothing asked of it (heartbeats, relay polls):
    the floor under the chain's CPU per session."""
    pids = {name: process.pid for name, process in platform.processes.items()}
    before = cpu_of(pids)
    time.sleep(seconds)
    return {name: 1000 * (s - before[name]) / seconds for name, s in cpu_of(pids).items()}


def read_files(staff: http_vote.Http, projects: list[str]) -> int:
    """Each project's file read through the gateway once (not timed): how many answered."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {staff.token}"
    url = f"{staff.base_url}/api/v1/projects/{{}}/supervision"
    return sum(session.get(url.format(p), timeout=30).status_code == 200 for p in projects)


def run_sessions(platform: testing.Platform, amqp_uri: str, token: str, towns: list[str],
                 year: int, polls: list[str], route_here: bool) -> list[Timed]:  # fmt: skip
    """One session per town, one after the other, each timed from its announce call and its
    files seen as `polls` says; then, with the route here, each file read through it."""
    staff, public = http_vote.Http(platform.base_url, token), http_vote.Http(platform.base_url)
    database = database_url(platform, "supervision")
    prepare_towns(staff, towns)
    done = []
    pids = {name: process.pid for name, process in platform.processes.items()}
    for town, poll in zip(towns, polls, strict=True):
        started = time.perf_counter()
        sid, projects = voted_session(staff, public, amqp_uri, town, year)
        vote_s = time.perf_counter() - started
        before = cpu_of(pids)
        wall, began_at, call_ms = announce_and_wait(staff, sid, projects, poll, database)
        used = {name: 1000 * (s - before[name]) for name, s in cpu_of(pids).items()}
        marks = stages(platform, projects, began_at, call_ms)
        read = read_files(staff, projects) if route_here else 0
        files = len(created(database, projects))
        done.append(Timed(town, poll, wall, marks, files, used, read, vote_s))
        print(f"  session {len(done)}/{len(towns)} ({town}, {poll}): {wall:.0f} ms", flush=True)
    return done


def report(done: list[Timed], seen: str, target_ms: float | None) -> None:
    """The sessions' wall times (p50/p99, the verdict if `target_ms`), the same inside the
    services, each stage's median and each process's CPU per session."""
    walls = sorted(t.polled_ms for t in done)
    inside = sorted(t.in_service_ms for t in done)
    p99 = percentile(walls, 0.99)
    verdict = "PASS" if target_ms is not None and p99 < target_ms else "FAIL"
    print(
        f"results announced -> projects created -> supervision files opened, {len(done)} "
        f"sessions of {SEATS} projects ({sum(t.files for t in done)} files; seen by polling "
        f"{seen}): p50 {percentile(walls, 0.5):.0f} ms, p99 {p99:.0f} ms, max {walls[-1]:.0f} ms"
        + (f"; target p99 < {target_ms:g} ms: {verdict}" if target_ms is not None else "")
    )
    print(
        f"  inside the services (the last file's created_at - the announce call's start): "
        f"p50 {percentile(inside, 0.5):.0f} ms, p99 {percentile(inside, 0.99):.0f} ms; "
        "the stages, median ms after the call's start: "
        + ", ".join(f"{s} {statistics.median(t.stages[s] for t in done):.0f}" for s in STAGES)
    )
    cpu = {name: statistics.median(t.cpu_ms[name] for t in done) for name in done[0].cpu_ms}
    busy = sorted(((ms, name) for name, ms in cpu.items() if ms >= 0.5), reverse=True)
    per_file = sum(ms for name, ms in cpu.items() if name.startswith("supervision-")) / SEATS
    print(
        "  server cpu ms per session (median; the announce call to the last file seen, the "
        f"poll's requests included): {', '.join(f'{name} {ms:.0f}' for ms, name in busy)}; "
        f"per file, the supervision workers together {per_file:.1f} (each level's worker takes "
        "events from the one queue)"
    )
