"""Catalog files on disk: which format a file is, reading it with a progress bar, writing it safely."""

from __future__ import annotations

import gzip
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

import click

from stockgate.domain.catalog import ParsedItem
from stockgate.wire.catalog_csv import CsvCatalog
from stockgate.wire.catalog_teal import read_teal


def input_format(path: Path, given: str | None) -> str:
    """xml or csv: as given, else from the name (`.xml`, `.csv`, also gzipped), else from the first byte."""
    if given:
        return given
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".xml"):
        return "xml"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    with _open(path) as (stream, _raw):
        start = stream.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" if start.startswith(b"<") else "csv"


@contextmanager
def _open(path: Path) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """(the decoded stream, the file underneath, whose position tells how far the reading got)."""
    with open(path, "rb") as raw:
        if path.name.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=raw) as unpacked:
                yield cast(IO[bytes], unpacked), raw
        else:
            yield raw, raw


def read_items(path: Path, fmt: str, *, label: str, notes: bool) -> Iterator[ParsedItem]:
    """The items of a catalog file, with a progress bar on a terminal; `notes` prints what the file
    holds that the import will not use (columns nobody knows)."""
    with _open(path) as (stream, raw):
        reader: Iterable[ParsedItem]
        if fmt == "xml":
            reader = read_teal(stream)
        else:
            reader = csv = CsvCatalog(stream)
            if notes and csv.layout.ignored:
                click.echo(f"note: ignoring columns {', '.join(csv.layout.ignored)}", err=True)
        if not sys.stdout.isatty():
            yield from reader
            return
        size = os.fstat(raw.fileno()).st_size
        with click.progressbar(length=size, label=label, show_eta=True, show_percent=True) as bar:
            done = 0
            for item in reader:
                position = raw.tell()
                bar.update(position - done)
                done = position
                yield item
            bar.update(size - done)


@contextmanager
def output(target: str) -> Iterator[IO[bytes]]:
    """A file written whole or not at all (`FILE.partial` renamed at the end; gzipped for `.gz`), or
    standard output for `-`."""
    if target == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    final = Path(target)
    partial = final.with_name(final.name + ".partial")
    try:
        with open(partial, "wb") as raw:
            if final.name.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5) as packed:
                    yield cast(IO[bytes], packed)
            else:
                yield raw
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
