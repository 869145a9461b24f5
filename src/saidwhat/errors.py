"""Every user-facing error message of saidwhat lives here, so wording stays consistent."""
from __future__ import annotations

import re
import sys


class SaidwhatError(Exception):
    """A per-document problem: reported in ``Analysis.errors`` and by the CLI, never a traceback."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(message(code, **details))

    def __reduce__(self):
        # a process pool or Spark pickles the error: by default as ``cls(message)``, which
        # would make the message its code
        return _unpickled, (self.code, str(self), self.details)


def _unpickled(code: str, text: str, details: dict) -> SaidwhatError:
    error = SaidwhatError.__new__(SaidwhatError)
    error.code, error.details = code, details
    Exception.__init__(error, text)
    return error


MESSAGES = {
    "empty": "the document is empty (no text to analyse)",
    "bad_text": "the text is not valid Unicode: a lone surrogate at character {at}",
    "binary": "the file looks binary ({reason}), not text or HTML",
    "encoding": "the file is not valid UTF-8 (byte {position}) and no other text encoding fits",
    # ``unit`` is "characters" or "bytes"; ``more`` is "more than " when reading stopped at
    # the limit (a stream or device has no size to tell). Build it with ``too_large``.
    "too_large": "the document has {more}{size:,} {unit}, over the limit of {limit:,} {unit}",
    "no_text_in_html": "the HTML holds no article text (only scripts, styles or markup)",
    "not_found": "no such file or folder: {path}",
    "unreadable": "cannot read {path}: {reason}",
    "analysis_failed": "analysis failed: {reason}",
    "unsupported_language": "the article is in {language} ({iso}); saidwhat reads English only",
    "worker_died": "the analysis process stopped abruptly (killed, perhaps for lack of memory) "
                   "twice while analysing this article, the second time with this article "
                   "alone; fresh processes go on with the others",
    "bad_jsonl": "line {line} is not a JSON object with a text or html field: {reason}",
    "bad_field": "line {line}: the field \"{field}\" must be {expected}, not a JSON {found}",
    # WARC files and URLs (read/warc.py, read/url.py)
    "warc_damaged": "the WARC file is truncated or damaged at byte {offset} ({reason}); "
                    "records before it were read",
    "warc_not_article": "the WARC record for {url} is not an HTML or text page ({reason})",
    "no_articles": "the WARC file {path} has {records:,} records and none is an article (an "
                   "HTML or text response with a 2xx status)",
    "url_scheme": "only http:// and https:// URLs can be fetched, not {url}",
    "url_unresolvable": "cannot resolve the host of {url}: {reason}",
    "url_private": "refusing to fetch {url}: {host} resolves to {address}, a private, loopback, "
                   "link-local or otherwise non-public address (use --allow-private to allow it)",
    "fetch_failed": "fetching {url} failed: {reason}",
    "fetch_timeout": "fetching {url} took longer than {timeout:g} s",
    "fetch_too_large": "{url} is larger than the limit of {limit:,} bytes",
    "fetch_redirects": "{url} redirects more than {limit} times",
    "http_status": "fetching {url} gave HTTP status {status}",
    # 408, 425, 429 and 5xx (read/url.py TEMPORARY_STATUSES); ``asked``: the Retry-After part
    "http_unavailable": "fetching {url} gave HTTP status {status}, a refusal for now{asked}",
    "not_article": "{url} is not an HTML or text page (Content-Type {content_type})",
    # Feeds, sitemaps and home pages that link feeds (read/feeds.py)
    "bad_feed": "{url} looks like a {kind} but cannot be read as one: {reason}",
    "no_items": "the {kind} {url} lists no articles",
    "feed_item_no_link": "item {number} of the feed {url} has no link to an article",
    "listing_not_article": "{url} is a {kind} (a list of articles), not one article; "
                           "'saidwhat analyze' and 'ingest' read the articles it lists when it "
                           "is given as an input of its own",
    "sitemap_limit": "the sitemap index {url} leads to more sitemaps than the limit ({reason}); "
                     "the rest were not read",
    # Watching feeds and sitemaps (watch.py, commands/watch.py)
    "watch_not_listing": "{url} is not a feed, a sitemap or a home page that links feeds: "
                         "'saidwhat watch' polls lists of articles (give the page itself to "
                         "'saidwhat ingest')",
    "bad_interval": "{value!r} is not a length of time: use seconds or a form such as 90s, 15m, "
                    "1h or 1h30m",
    # The store (store/*, commands ingest/query/speakers/stats)
    "store_missing": "no store at {path}: run 'saidwhat ingest' first, or pass --db",
    "store_unreachable": "cannot open the store {url}: {reason}",
    "store_schema": "the store {url} has schema version {found}; this saidwhat reads version "
                    "{expected}: ingest into a new store",
    "store_failed": "storing the analysis failed: {reason}",
    "bad_date": "{value!r} is not a date: use YYYY-MM-DD",
    "bad_metadata": "cannot read the metadata file {path}: {reason}",
    "bad_option": "{option}: {reason}",
    "bad_number": "{value!r} is not a whole number from {low:,} to {high:,}",
    "unknown_technique": "{value!r} is not one of the propaganda techniques: {names} (any case; "
                         "spaces, underscores, hyphens and commas alike; the display names of "
                         "'saidwhat techniques', or one part of a combined name such as "
                         "Exaggeration, will do too)",
    "parquet_needs_output": "Parquet output is binary: give --output FILE.parquet or redirect "
                            "standard output to a file",
    # Spark (spark/*, commands spark and load)
    "spark_missing": "the Spark job needs PySpark and Java 17: install saidwhat with its spark "
                     "extra (pip install 'saidwhat[spark]') and Debian's "
                     "openjdk-17-jre-headless (scripts/setup.sh does both with EXTRAS=spark)",
    "spark_output": "{path} is not the output of 'saidwhat spark analyze' (no {table} table "
                    "in it)",
    "load_failed": "loading {path} into the store failed: {reason}",
    # The web server (web/*, commands/serve.py)
    "request_too_large": "the request body is larger than this server's limit of {limit:,} "
                         "bytes (start it with a larger --max-body to allow more)",
    "no_input": "give the article as text, HTML, an uploaded file or a URL",
    "several_inputs": "give only one of {given}: one article per request",
    "no_document": "no article {id} in the store",
    "no_speaker": "no speaker {id} in the store",
    "bad_request": "{reason}",
    "bad_json": "the request body is not valid JSON: {reason}",
    "cross_origin": "refusing a {method} request sent from {origin}, another site than this "
                    "server ({host}): a page elsewhere cannot change this server's data",
    "serve_bind": "cannot listen on {host}:{port}: {reason}",
    "serve_public": "listening on {host}, not on loopback: anyone who can reach this machine "
                    "can use the server (it has no login); it answers only requests for "
                    "{hosts} (add the names clients use with --allowed-host)",
}


def message(code: str, **details) -> str:
    """The message of ``code`` with its details filled in. An unknown code or a detail the
    message names but was not given is a bug at the call site: it raises, so that it shows
    in the tests instead of reaching a user as a bare code or a half-filled template."""
    try:
        template = MESSAGES[code]
    except KeyError:
        raise KeyError(f"no error message for the code {code!r} in saidwhat.errors.MESSAGES") \
            from None
    try:
        return template.format(**details)
    except (KeyError, IndexError) as exc:
        raise KeyError(f"the error {code!r} needs the detail {exc}; given: "
                       f"{sorted(details) or 'none'}") from None


def too_large(size: int, limit: int, unit: str = "characters", *,
              stopped: bool = False) -> SaidwhatError:
    """The ``too_large`` error, counting ``unit`` ("characters" or "bytes"); ``stopped``: only
    ``size`` bytes were read (more would have followed)."""
    return SaidwhatError("too_large", size=size, limit=limit, unit=unit,
                         more="more than " if stopped else "")


# C0 and C1 controls, DEL and the Unicode line and paragraph separators: in a printed file
# name or message one could end the line and start a forged one.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with its control characters escaped (``\\n``, ``\\x1b``, ``\\u2028``)."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def error_part(code: str, text: str) -> str:
    """How an error reads in every line the CLI prints: ``error [code]: message``."""
    return f"error [{code}]: {printable(text)}"


def error_line(source: str, code: str, text: str) -> str:
    """The CLI's stderr line for one document's error."""
    return f"saidwhat: {printable(source)}: {error_part(code, text)}"


def print_error(error: SaidwhatError, file=None) -> None:
    """The CLI's stderr line for an error that stops a command (the store missing, PySpark
    absent, ...), as every command prints it."""
    print(f"saidwhat: {error_part(error.code, str(error))}", file=file or sys.stderr)
