"""`stockgate serve`: the HTTP server (ghost API, health; admin API and back-office as they come)."""

from __future__ import annotations

import os
import shutil
import tempfile

import click
import uvicorn

from stockgate.bootstrap import URL_VARIABLE, WORKER_VARIABLE
from stockgate.cli.common import database_option, runtime
from stockgate.http.logs import logging_config
from stockgate.http.metrics import MULTIPROCESS_VARIABLE
from stockgate.services.demo import load_demo


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--keep-alive",
    default=75,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Seconds an idle connection stays open; keep it above the load balancer's idle timeout.",
)
@click.option(
    "--worker-timeout",
    default=60,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Seconds a worker may take to start or to answer the supervisor before it is replaced.",
)
@click.option("--demo", is_flag=True, help="Load demo data into an empty database and print credentials.")
@click.option("--bench", is_flag=True, hidden=True, help="Add the benchmark's constant route.")
@click.option(
    "--forwarded-allow-ips",
    envvar="FORWARDED_ALLOW_IPS",
    default="127.0.0.1",
    show_default=True,
    help="Proxies trusted for X-Forwarded-Proto/-For (comma-separated; '*' trusts every client).",
)
@click.option(
    "--webhooks/--no-webhooks",
    default=True,
    show_default=True,
    help="Deliver webhooks from each server process (else run `stockgate webhooks deliver`).",
)
@database_option
def serve(
    host: str,
    port: int,
    workers: int,
    keep_alive: int,
    worker_timeout: int,
    demo: bool,
    bench: bool,
    forwarded_allow_ips: str,
    webhooks: bool,
    database_url: str | None,
) -> None:
    """Serve the ghost API over HTTP."""
    with runtime(database_url) as rt:  # migrates once, before any worker starts
        url = rt.config.database_url
        if demo:
            account = load_demo(rt.db)
            base = f"http://{host}:{port}"
            click.echo("demo data " + ("loaded" if account.created else "already present"))
            click.echo(f"API key:  {account.api_key}")
            click.echo(f"password: {account.password}")
            click.echo("try:")
            click.echo(
                f"  curl -u {account.api_key}:{account.password} -H 'Accept: application/json' "
                f"{base}/restful/ghost/orders/dropshipping/locked"
            )
    # Workers are separate processes: they find their configuration in the environment.
    os.environ[URL_VARIABLE] = url
    os.environ[WORKER_VARIABLE] = "1" if webhooks else "0"
    if bench:
        os.environ["STOCKGATE_BENCH_ROUTES"] = "1"
    # Several workers share their metrics through files (see http/metrics.py); a fresh directory per
    # run, since values left by an earlier run would be added in.
    metrics_dir = None
    if workers > 1 and not os.environ.get(MULTIPROCESS_VARIABLE):
        metrics_dir = os.environ[MULTIPROCESS_VARIABLE] = tempfile.mkdtemp(prefix="stockgate-metrics-")
    try:
        uvicorn.run(
            "stockgate.bootstrap:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # A load balancer reuses idle connections; if the server closed one first (uvicorn's own
            # default is 5 s), the request sent on it fails with a reset, seen by clients as 502s.
            timeout_keep_alive=keep_alive,
            # uvicorn replaces a worker that does not answer its ping within 5 s; a worker still
            # importing on a busy machine (or a whole node under load) would be killed and restarted
            # in a loop, never serving.
            timeout_worker_healthcheck=worker_timeout,
            access_log=False,  # our middleware writes one JSON line per request instead
            log_config=logging_config(os.environ.get("STOCKGATE_LOG_LEVEL", "INFO").upper()),
            log_level="warning",
            proxy_headers=True,
            forwarded_allow_ips=forwarded_allow_ips,
        )
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def register(cli: click.Group) -> None:
    cli.add_command(serve)
