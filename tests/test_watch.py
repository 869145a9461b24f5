"""`saidwhat watch` against a small HTTP server on 127.0.0.1: two polls while a feed gains two
items (only those fetched), a 304 to the conditional GET, robots.txt, per-host pacing, a 500 and
a host slower than the timeout (back-off; the watch goes on), a 1,000-item feed (memory stays
flat), SIGKILL during a poll then a rerun (the same rows as a clean run), SIGTERM, and the
store's schema 3 -> 4 migration. The store parts run on PostgreSQL too with
SAIDWHAT_TEST_PG_URL."""
from __future__ import annotations

import datetime as dt
import hashlib
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import QuietHandler, module_server
from test_chaos import table_rows
from test_feeds import STORIES, story
from test_ingest import counts, db, run_cli  # noqa: F401 (db: a store on SQLite and PostgreSQL)

SLUGS = [path.rsplit("/", 1)[1] for path in STORIES]  # harbour, bridge, school, rail, ...
FEED = ["/news/harbour", "/news/bridge", "/private/library"]  # what /feed lists now
LOG: list[tuple[str, float, dict]] = []  # (path, time, request headers) of every request
_LOCK = threading.Lock()
FLAKY_TRIES = [0]  # GETs of /flaky/harbour (LOG is cleared between polls)


def rss(base: str, paths: list[str], title: str = "The Elling Gazette") -> bytes:
    items = "".join(f"<item><title>Story {p.rsplit('/', 1)[1]}</title><link>{base}{p}</link>"
                    f"</item>" for p in paths)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"{items}</channel></rss>").encode()


def page(path: str) -> bytes:
    return story("/news/" + path.rsplit("/", 1)[1])


class Handler(QuietHandler):
    def do_GET(self):
        base = f"http://{self.headers['Host']}"
        path = self.path
        with _LOCK:
            LOG.append((path, time.monotonic(), dict(self.headers)))
        if path == "/robots.txt":
            self._send(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path == "/feed":
            body = rss(base, FEED)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
            else:
                self._send(body, "application/rss+xml", {"ETag": etag})
        elif path == "/other":
            self._send(rss(base, ["/news/market"], "Valley Courier"), "application/rss+xml")
        elif path == "/broken":
            self._send(b"down for maintenance", "text/plain", status=500)
        elif path == "/busy":  # too many requests: come back in an hour
            self._send(b"slow down", "text/plain", {"Retry-After": "3600"}, status=429)
        elif path == "/dupes":  # the same story under two URLs, and no validators
            self._send(rss(base, ["/news/harbour", "/copy/harbour"]), "application/rss+xml")
        elif path == "/copy/harbour":
            self._send(page(path), "text/html")
        elif path == "/flaky":
            self._send(rss(base, ["/flaky/harbour", "/gone/bridge"]), "application/rss+xml")
        elif path == "/flaky/harbour":  # unavailable at the first try only
            with _LOCK:
                FLAKY_TRIES[0] += 1
            if FLAKY_TRIES[0] == 1:
                self._send(b"unavailable", "text/plain", status=503)
            else:
                self._send(page(path), "text/html")
        elif path == "/slow":
            time.sleep(2.5)
            self._send(rss(base, ["/news/library"]), "application/rss+xml")
        elif path.startswith("/big?items="):
            self._send(rss(base, [f"/many/{n}" for n in range(int(path[11:]))], "Big"),
                       "text/xml")
        elif path.startswith("/many/"):  # six stories under 1,000 URLs
            self._send(page("/" + SLUGS[int(path[6:]) % len(SLUGS)]), "text/html")
        elif path == "/slowfeed":
            self._send(rss(base, [f"/slowly/{s}" for s in SLUGS]), "application/rss+xml",
                       {"ETag": '"slow-1"'})
        elif path.startswith("/slowly/"):
            time.sleep(0.6)
            self._send(page(path), "text/html")
        elif path.startswith(("/news/", "/private/")) and path.rsplit("/", 1)[1] in SLUGS:
            self._send(page(path), "text/html; charset=utf-8")
        else:
            self._send(b"not here", "text/plain", status=404)


server = module_server(Handler)


def hits(prefix: str = "") -> list[str]:
    with _LOCK:
        return [p for p, _, _ in LOG if p.startswith(prefix)]


def watch(*args, timeout=300):
    return run_cli("watch", *args, "--allow-private", "--no-techniques", timeout=timeout)


def sources(db_url: str) -> dict[str, dict]:
    from saidwhat.store import open_store

    with open_store(db_url, create=False) as store:
        return store.source_states()


# -- the parts alone ----------------------------------------------------------------------------

def test_interval_backoff_and_pacer():
    from saidwhat.errors import SaidwhatError
    from saidwhat.watch import MAX_BACKOFF, Pacer, backoff, parse_interval

    assert [parse_interval(t) for t in ("90", "90s", "15m", "1h30m", "0.5")] == [
        90, 90, 900, 5400, 0.5]
    for bad in ("soon", "0", "-5", "inf", ""):
        with pytest.raises(SaidwhatError) as info:
            parse_interval(bad)
        assert info.value.code == "bad_interval"
    assert [backoff(900, n) for n in (1, 2, 3)] == [1800, 3600, 7200]
    assert backoff(900, 40) == MAX_BACKOFF and backoff(2 * MAX_BACKOFF, 3) == 2 * MAX_BACKOFF
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait("http://a.example/1")
    pacer.wait("http://b.example/1")  # another host: no wait
    now[0] += 0.25
    pacer.wait("http://A.example/2")
    pacer.wait("http://a.example/3", at_least=3.0)  # a Crawl-delay
    assert slept == [0.75, 3.0]


def test_fetch_sends_validators_and_gives_headers(server):
    from saidwhat.read.url import fetch

    first = fetch(server + "/feed", allow_private=True)
    etag = first.headers["etag"]
    assert first.status == 200 and etag.startswith('"')
    again = fetch(server + "/feed", allow_private=True, headers={"If-None-Match": etag})
    assert (again.status, again.body) == (304, b"")
    assert LOG[-1][2].get("If-None-Match") == etag
    with pytest.raises(ValueError):  # the fetcher's own headers stay its own
        fetch(server + "/feed", allow_private=True, headers={"Host": "elsewhere"})


# -- polling ------------------------------------------------------------------------------------

def test_watch_ingests_only_new_items(server, db):
    FEED[:] = ["/news/harbour", "/news/bridge", "/private/library"]
    LOG.clear()
    first = watch(server + "/feed", "--db", db, "--once", "--delay", "0.3")
    assert first.returncode == 0, first.stderr
    assert "2 new stored" in first.stderr and "1 disallowed by robots.txt" in first.stderr
    assert sorted(hits("/news/")) == ["/news/bridge", "/news/harbour"]
    assert hits("/private/") == [] and hits("/robots.txt") == ["/robots.txt"]
    times = [t for _, t, _ in LOG]  # one host: every request at least --delay after the last
    assert all(b - a >= 0.25 for a, b in zip(times, times[1:])), times  # (arrival jitter)
    state = sources(db)[server + "/feed"]
    assert state["kind"] == "feed" and state["etag"] and state["error_count"] == 0
    assert state["next_poll"] > state["last_success"]

    LOG.clear()  # unchanged: the conditional GET gets a 304 and nothing is fetched
    second = watch(server + "/feed", "--db", db, "--once", "--delay", "0")
    assert second.returncode == 0 and "1 not modified" in second.stderr, second.stderr
    assert hits("/feed") == ["/feed"] and LOG[-1][2].get("If-None-Match") == state["etag"]
    assert hits("/news/") == []

    FEED.extend(["/news/school", "/news/rail"])
    LOG.clear()
    third = watch(server + "/feed", "--db", db, "--once", "--delay", "0")
    assert third.returncode == 0, third.stderr
    assert "2 new stored" in third.stderr and "2 known" in third.stderr, third.stderr
    assert sorted(hits("/news/")) == ["/news/rail", "/news/school"]
    assert counts(db)["documents"] == 4
    assert sources(db)[server + "/feed"]["etag"] != state["etag"]


def test_failing_and_slow_sources_back_off_and_the_rest_goes_on(server, tmp_path):
    from saidwhat.store import open_store
    from saidwhat.watch import Watcher

    db_path = str(tmp_path / "w.db")
    broken, slow, other = server + "/broken", server + "/slow", server + "/other"
    done = watch(broken, slow, other, "--db", db_path, "--once", "--delay", "0",
                 "--timeout", "1", "--every", "5s")
    assert done.returncode == 1, done.stderr
    assert f"{broken}: error [http_unavailable]" in done.stderr
    assert f"{slow}: error [fetch_timeout]" in done.stderr
    assert "1 new stored" in done.stderr and counts(db_path)["documents"] == 1
    rows = sources(db_path)
    for url, code in ((broken, "http_unavailable"), (slow, "fetch_timeout")):
        row = rows[url]
        assert row["error_count"] == 1 and row["last_error"].startswith(f"[{code}]")
        assert row["last_success"] is None
        assert (row["next_poll"] - row["last_poll"]).total_seconds() == 10  # 5 s × 2
    assert rows[other]["error_count"] == 0

    with open_store(db_path) as store:
        watcher = Watcher(store, every=5.0, delay=0.0, allow_private=True, timeout=1.0)
        LOG.clear()
        waiting = {r.url: r for r in watcher.round([broken], once=True)}
        assert waiting[broken].backing_off and hits("/broken") == []  # not due yet
        time.sleep(max(0.0, (rows[broken]["next_poll"] - dt.datetime.now(dt.timezone.utc)
                             .replace(tzinfo=None)).total_seconds()) + 0.2)
        [again] = watcher.round([broken], once=True)
        assert again.error.code == "http_unavailable" and hits("/broken") == ["/broken"]
        row = store.source_states()[broken]
        assert row["error_count"] == 2
        assert (row["next_poll"] - row["last_poll"]).total_seconds() == 20  # doubled


def test_retry_after_is_waited_and_unavailable_items_are_fetched_again(server, tmp_path):
    from saidwhat.pipeline import Options
    from saidwhat.store import open_store
    from saidwhat.watch import Watcher

    db_path = str(tmp_path / "r.db")
    busy, flaky = server + "/busy", server + "/flaky"
    LOG.clear()
    with open_store(db_path) as store:
        watcher = Watcher(store, every=5.0, delay=0.0, allow_private=True, timeout=5.0,
                          options=Options(techniques=False))
        results = {r.url: r for r in watcher.round([busy, flaky], once=True)}
        assert results[busy].error.code == "http_unavailable"
        assert "asks to wait 3,600 s" in str(results[busy].error)
        row = store.source_states()[busy]
        assert (row["next_poll"] - row["last_poll"]).total_seconds() == 3600  # not 5 s × 2
        # the 503 item is tried again at the next poll, the 404 one is not
        assert results[flaky].stored == 0 and results[flaky].failed == 2
        assert sorted(hits("/flaky/") + hits("/gone/")) == ["/flaky/harbour", "/gone/bridge"]
        LOG.clear()
        [again] = watcher.round([flaky], once=True)
        assert again.stored == 1 and again.error is None
        assert hits("/flaky/") == ["/flaky/harbour"] and hits("/gone/") == []


def test_a_content_stored_under_another_url_is_not_fetched_again(server, db):
    LOG.clear()
    first = watch(server + "/dupes", "--db", db, "--once", "--delay", "0")
    assert first.returncode == 0, first.stderr
    assert "1 new stored, 1 duplicate(s)" in first.stderr, first.stderr
    assert sorted(hits("/news/") + hits("/copy/")) == ["/copy/harbour", "/news/harbour"]
    LOG.clear()
    second = watch(server + "/dupes", "--db", db, "--once", "--delay", "0")
    assert second.returncode == 0 and "2 known" in second.stderr, second.stderr
    assert hits("/dupes") == ["/dupes"] and hits("/news/") + hits("/copy/") == []
    assert counts(db)["documents"] == 1


def test_a_feed_of_1000_items_is_read_in_bounded_memory(server, tmp_path, analyze_text):
    import tracemalloc

    from saidwhat.pipeline import Options
    from saidwhat.store import open_store
    from saidwhat.watch import Watcher

    analyze_text("Ann Lee said the plan would work.")  # the model loaded before measuring

    def poll(items: int):
        """(result, traced MB still held after the poll, peak MB during it) of one poll."""
        with open_store(str(tmp_path / f"big{items}.db")) as store:
            watcher = Watcher(store, every=60.0, delay=0.0, allow_private=True,
                              options=Options(techniques=False))
            LOG.clear()
            tracemalloc.start()
            try:
                base = tracemalloc.get_traced_memory()[0]
                [result] = watcher.round([f"{server}/big?items={items}"], once=True)
                current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        return result, (current - base) / 2**20, (peak - base) / 2**20

    poll(10)  # what loads on first use (feedparser, trafilatura, htmldate) is not the items'
    small, small_held, small_peak = poll(100)
    result, held, peak = poll(1000)
    assert result.error is None and result.fetched == 1000, result.line()
    assert (result.stored, result.duplicates) == (len(SLUGS), 1000 - len(SLUGS)), result.line()
    assert len(hits("/many/")) == 1000 and small.fetched == 100
    print(f"traced memory over the base: 100 items held {small_held:.1f} MB, peak "
          f"{small_peak:.1f} MB; 1,000 items held {held:.1f} MB, peak {peak:.1f} MB")
    # One page (and its analysis) at a time: ten times the items, not ten times the memory.
    assert peak < small_peak + 10, (small_peak, peak)
    assert held < 10, held


def test_sigkill_during_a_poll_then_a_rerun_stores_each_item_once(server, db, tmp_path):
    from saidwhat.store import open_store

    feed = server + "/slowfeed"
    args = [sys.executable, "-m", "saidwhat.cli", "watch", feed, "--db", db, "--once",
            "--delay", "0", "--allow-private", "--no-techniques"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while counts_or_zero(db) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored_before = counts_or_zero(db)
    assert 2 <= stored_before < len(SLUGS), "the kill came too late to test anything"
    with open_store(db, create=False) as store:
        stored_urls = set(store.documents(limit=100)["url"])
    LOG.clear()
    rerun = watch(feed, "--db", db, "--once", "--delay", "0")
    assert rerun.returncode == 0, rerun.stderr
    assert not set(server + p for p in hits("/slowly/")) & stored_urls  # not fetched again
    if db.startswith("postgresql"):
        from test_store import make_pg_database

        clean, drop = make_pg_database()
    else:
        clean, drop = str(tmp_path / "clean.db"), (lambda: None)
    try:
        assert watch(feed, "--db", clean, "--once", "--delay", "0").returncode == 0
        killed_rows, clean_rows = table_rows(db), table_rows(clean)
        assert len(clean_rows["documents"]) == len(SLUGS)
        assert killed_rows == clean_rows
    finally:
        drop()


def counts_or_zero(db_url: str) -> int:
    try:
        return counts(db_url)["documents"]
    except Exception:  # the store is being created
        return 0


def test_sigterm_stops_the_watch_cleanly(server, tmp_path):
    db_path = str(tmp_path / "term.db")
    args = [sys.executable, "-m", "saidwhat.cli", "watch", server + "/slowfeed", "--db",
            db_path, "--every", "1s", "--delay", "0", "--allow-private", "--no-techniques"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while counts_or_zero(db_path) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "watch: stopped" in stderr and "Traceback" not in stderr, stderr
    from saidwhat.store import open_store

    with open_store(db_path, create=False) as store:  # whole documents only
        stored = store.sql("SELECT d.n_statements AS n, count(s.id) AS rows FROM documents d "
                           "LEFT JOIN statements s ON s.document_id = d.id GROUP BY d.id, "
                           "d.n_statements")
        assert 1 <= len(stored) < len(SLUGS)
        assert (stored["n"] == stored["rows"]).all() and (stored["n"] > 0).all()
        assert server + "/slowfeed" not in store.source_states()  # its poll did not finish
    rest = watch(server + "/slowfeed", "--db", db_path, "--once", "--delay", "0")
    assert rest.returncode == 0 and counts(db_path)["documents"] == len(SLUGS), rest.stderr


# -- the store ----------------------------------------------------------------------------------

def test_a_version_3_store_gains_the_sources_table(db):
    from sqlalchemy import inspect

    from saidwhat.store import open_store
    from saidwhat.store.schema import SCHEMA_VERSION

    with open_store(db) as store, store.engine.begin() as conn:  # make it what version 3 wrote
        for ddl in ("DROP TABLE sources", "DROP INDEX ix_documents_source",
                    "ALTER TABLE documents DROP COLUMN words",  # added by version 5
                    "DROP TABLE duplicate_sources",  # added by version 6
                    "UPDATE saidwhat_meta SET value = '3' WHERE key = 'schema_version'"):
            conn.exec_driver_sql(ddl)
    now = dt.datetime(2016, 10, 1, 12, 0)
    with open_store(db, create=False) as store:
        store.save_source("https://a.example/feed", kind="feed", etag='"x"', last_poll=now)
        store.save_source("https://a.example/feed", error_count=2)
        [row] = store.source_states().values()
        assert (row["etag"], row["last_poll"], row["error_count"]) == ('"x"', now, 2)
        assert store.sql("SELECT value FROM saidwhat_meta WHERE key = 'schema_version'"
                         )["value"].tolist() == [SCHEMA_VERSION] == ["6"]
        assert "ix_documents_source" in {
            i["name"] for i in inspect(store.engine).get_indexes("documents")}
        store.record_error("https://a.example/2", "http_status", "gone")
        store.record_error("https://a.example/3", "fetch_timeout", "slow")
        assert store.known_sources([f"https://a.example/{n}" for n in (1, 2, 3)],
                                   retried_codes=("fetch_timeout",)) == {"https://a.example/2"}
