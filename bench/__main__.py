"""`uv run python -m bench`: the benchmark, printed as a table (and written as JSON with --json)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from bench import report
from bench.run import ALL_SCENARIOS, Options, run


@click.command()
@click.option(
    "--database-url", help="sqlite:///new-file.db, or a PostgreSQL server URL (own databases made there)."
)
@click.option("--postgres", is_flag=True, help="Start a throwaway PostgreSQL server and run on it.")
@click.option("--models", default=10_000, show_default=True, type=click.IntRange(100))
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(1, 512))
@click.option("--seconds", default=10.0, show_default=True, type=click.FloatRange(0.5))
@click.option("--warmup", default=1.0, show_default=True, type=click.FloatRange(0))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--scenarios",
    default=",".join(ALL_SCENARIOS),
    show_default=True,
    help="Comma-separated subset (the ceilings always run).",
)
@click.option(
    "--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@click.option(
    "--profile",
    type=click.Path(file_okay=False, path_type=Path),
    help="Sample the server with py-spy during each scenario; stacks and summaries go here.",
)
@click.option(
    "--server-env",
    multiple=True,
    metavar="NAME=VALUE",
    help="An environment variable for the server (repeatable), to compare settings in one run's terms.",
)
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
def main(
    database_url: str | None,
    postgres: bool,
    models: int,
    concurrency: int,
    seconds: float,
    warmup: float,
    workers: int,
    scenarios: str,
    json_path: Path | None,
    profile: Path | None,
    server_env: tuple[str, ...],
    quiet: bool,
) -> None:
    """Throughput, latency and SQL per operation of the ghost API, as ratios against the machine's limits."""
    chosen = tuple(s.strip() for s in scenarios.split(",") if s.strip())
    unknown = sorted(set(chosen) - set(ALL_SCENARIOS))
    if unknown:
        raise click.BadParameter(f"unknown scenario(s) {', '.join(unknown)}", param_hint="--scenarios")
    options = Options(
        database_url=database_url,
        postgres=postgres,
        models=models,
        concurrency=concurrency,
        seconds=seconds,
        warmup=warmup,
        workers=workers,
        scenarios=chosen,
        progress=not quiet,
        profile=profile,
        server_env=dict(item.split("=", 1) for item in server_env),
    )
    result = run(options)
    for line in report.table(result):
        click.echo(line)
    click.echo(f"\n{result['elapsed_s']:.0f} s in all; load average {result['machine']['load_after'][0]:.1f}")
    if json_path is not None:
        json_path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    sys.exit(1 if result["failures"] else 0)


if __name__ == "__main__":
    main()
