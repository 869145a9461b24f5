"""saidwhat serve : the browser view and REST API (FastAPI on uvicorn), on 127.0.0.1."""
from __future__ import annotations

import ipaddress
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="the browser view and REST API over the analysis and the store",
        description="Serve the analyse page, the corpus pages (articles, speakers, "
                    "techniques) and the REST API (/api, OpenAPI at /openapi.json). Binds to "
                    "127.0.0.1 unless --host says otherwise; there is no login.")
    p.add_argument("--db", metavar="PATH|URL", default=None,
                   help="the store: an SQLite file or postgresql://… URL "
                        "(default $SAIDWHAT_DB or ./saidwhat.db; created if missing)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="analysis processes (default: one per core; 0 analyses in the server "
                        "process, one request at a time)")
    p.add_argument("--long-chars", type=int, default=None, metavar="N",
                   help="documents of more than N characters are analysed by processes of "
                        "their own, at a lower priority, so that they never hold up short "
                        "ones (default 50,000)")
    p.add_argument("--long-workers", type=int, default=1, metavar="N",
                   help="processes for those long documents (default 1; 0: the same as the "
                        "others)")
    p.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                   help="largest request body; larger ones get 413 (default 2,000,000)")
    p.add_argument("--allowed-host", action="append", default=None, metavar="NAME",
                   help="also answer requests for this host name (repeatable; '*': any). "
                        "The --host address, localhost, 127.0.0.1 and ::1 always are; a "
                        "request for another Host gets 400, so that no other site's name can "
                        "be made to resolve to this server (DNS rebinding)")
    p.add_argument("--allow-private", action="store_true",
                   help="let the analyse page and API fetch URLs on private, loopback and "
                        "link-local addresses (refused by default)")
    p.add_argument("--log-level", default="info",
                   choices=("critical", "error", "warning", "info", "debug"))
    p.set_defaults(func=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, extra: list[str] | None) -> list[str]:
    """The Host names the server answers to: the bound address, the loopback names, and those
    given with --allowed-host."""
    from saidwhat.web.app import LOOPBACK_HOSTS

    names = [host, *LOOPBACK_HOSTS, *(extra or [])]
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def run(args) -> int:
    from saidwhat.errors import SaidwhatError, message

    try:
        import uvicorn

        from saidwhat.pool import default_workers
        from saidwhat.web.analysis import LONG_CHARS
        from saidwhat.web.app import DEFAULT_MAX_BODY, create_app
    except ImportError as exc:  # pragma: no cover - the web extras are dependencies
        print(f"saidwhat serve: {exc}", file=sys.stderr)
        return 1
    if args.port < 0 or args.port > 65535:
        print("saidwhat serve: " + message("bad_option", option="--port",
                                           reason="give a port from 0 to 65535"),
              file=sys.stderr)
        return 2
    workers = default_workers() if args.workers is None else max(0, args.workers)
    hosts = allowed_hosts(args.host, args.allowed_host)
    if not _is_loopback(args.host):
        print("saidwhat serve: warning: " + message("serve_public", host=args.host,
                                                     hosts=", ".join(hosts)),
              file=sys.stderr)
    try:
        app = create_app(args.db, workers=workers,
                         max_body=args.max_body or DEFAULT_MAX_BODY,
                         allow_private=args.allow_private, allowed_hosts=hosts,
                         long_chars=LONG_CHARS if args.long_chars is None
                         else max(0, args.long_chars),
                         long_workers=max(0, args.long_workers))
    except SaidwhatError as exc:
        print(f"saidwhat serve: {exc}", file=sys.stderr)
        return 1
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level,
                            server_header=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run()
    except OSError as exc:
        print("saidwhat serve: " + message("serve_bind", host=args.host, port=args.port,
                                           reason=exc.strerror or exc), file=sys.stderr)
        return 1
    if not server.started:
        # uvicorn logs why it could not start (most often: the port is in use)
        return 1
    return 0
