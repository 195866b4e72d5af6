"""`stockgate catalog import|export|generate`: output, files, and error exits (SQLite files)."""

from __future__ import annotations

import gzip
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from stockgate.bootstrap import Config, start
from stockgate.cli.main import cli
from stockgate.domain.stock import make_operation
from stockgate.services.accounts import create_account
from stockgate.services.auth import authenticate
from stockgate.services.reservations import reserve
from tests.support.catalog import without_timestamps, write


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'stockgate.db'}"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def generated(tmp_path: Path, products: int = 12) -> Path:
    target = tmp_path / "generated.xml"
    result = run("catalog", "generate", "--products", str(products), "--seed", "4", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{products} products written to {target}")
    return target


def test_generate_import_export_import_export(tmp_path: Path, db: str) -> None:
    source = generated(tmp_path)
    imported = run("catalog", "import", str(source), "--database-url", db)
    assert imported.exit_code == 0
    assert imported.stdout.startswith("12 created, 0 updated, 0 unchanged, 0 skipped (")
    first = tmp_path / "first.xml"
    assert run("catalog", "export", str(first), "--database-url", db).exit_code == 0
    again = run("catalog", "import", str(first), "--database-url", db, "--json")
    assert json.loads(again.stdout) | {"seconds": 0} == {
        "created": 0, "updated": 0, "unchanged": 12, "skipped": 0, "errors": [], "seconds": 0,
    }  # fmt: skip
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run("catalog", "import", str(first), "--database-url", other).exit_code == 0
    second = tmp_path / "second.xml.gz"
    exported = run("catalog", "export", str(second), "--database-url", other, "--json")
    assert json.loads(exported.stdout)["products"] == 12
    assert json.loads(exported.stdout)["format"] == "xml"
    assert without_timestamps(gzip.decompress(second.read_bytes())) == without_timestamps(first.read_bytes())
    assert without_timestamps(first.read_bytes()) == without_timestamps(source.read_bytes())
    assert not list(tmp_path.glob("*.partial"))


def test_export_formats_locales_and_standard_output(tmp_path: Path, db: str) -> None:
    run("catalog", "import", str(generated(tmp_path)), "--database-url", db)
    as_json = tmp_path / "catalog.json"
    assert run("catalog", "export", str(as_json), "--database-url", db).exit_code == 0
    document = json.loads(as_json.read_text())
    assert document["totalItems"] == 12
    assert set(document["pageItems"][0]["productLocalizations"]["description"]) == {"en_US", "it_IT"}
    italian = run("catalog", "export", "-", "--locales", "it_IT", "--database-url", db)
    page = etree.fromstring(italian.stdout_bytes)
    assert page.get("totalNumberOfElements") == "12"
    assert {lv.get("localecode") for lv in page.iter("localevalue")} == {"it_IT"}
    forced = run("catalog", "export", "-", "--format", "json", "--database-url", db)
    assert json.loads(forced.stdout)["totalItems"] == 12


def test_export_availability_on_hand_or_free(tmp_path: Path, db: str) -> None:
    run("catalog", "import", str(generated(tmp_path)), "--database-url", db)
    rt = start(Config(database_url=db))
    try:
        account = create_account(rt.db, email="s@example.com", password="long enough pw", actor="test")
        principal = authenticate(rt.db, api_key=account.api_key, password="long enough pw")
        page = etree.fromstring(run("catalog", "export", "-", "--database-url", db).stdout_bytes)
        model = next(m for m in page.iter("model") if int(m.findtext("availability") or 0) >= 2)
        stock_id, on_hand = int(model.findtext("id") or 0), int(model.findtext("availability") or 0)
        reserve(rt.db, principal=principal, operations=[make_operation("lock", [(stock_id, 2)])], actor="t")
    finally:
        rt.close()

    def availability(*options: str) -> int:
        page = etree.fromstring(run("catalog", "export", "-", *options, "--database-url", db).stdout_bytes)
        return int(
            next(m for m in page.iter("model") if m.findtext("id") == str(stock_id)).findtext("availability")
            or -1
        )

    assert availability() == on_hand
    assert availability("--availability", "free") == on_hand - 2


def test_a_partly_broken_file_imports_the_rest_and_exits_1(tmp_path: Path, db: str) -> None:
    source = generated(tmp_path, products=3)
    text = source.read_text().replace("<online>true</online>", "<online>maybe</online>", 1)
    broken = write(tmp_path / "broken.xml", text)
    result = run("catalog", "import", str(broken), "--database-url", db)
    assert result.exit_code == 1
    assert result.stdout.startswith("2 created, 0 updated, 0 unchanged, 1 skipped")
    assert result.stderr == "line 3: item 1000: online 'maybe' is not true or false\n"
    as_json = run("catalog", "import", str(broken), "--database-url", db, "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["errors"] == ["line 3: item 1000: online 'maybe' is not true or false"]


def test_a_strict_import_of_a_broken_file_imports_nothing(tmp_path: Path, db: str) -> None:
    source = generated(tmp_path, products=3)
    broken = write(
        tmp_path / "broken.xml",
        source.read_text().replace("<currency>EUR</currency>", "<currency>E</currency>", 1),
    )
    result = run("catalog", "import", str(broken), "--strict", "--database-url", db)
    assert result.exit_code == 1
    assert result.stderr == (
        "line 3: product 1000: currency 'E' is not a three-letter code such as EUR\n"
        "Error: 1 broken item: nothing was imported\n"
    )
    empty = run("catalog", "export", "-", "--database-url", db)
    assert b'totalNumberOfElements="0"' in empty.stdout_bytes
    assert run("catalog", "import", str(source), "--strict", "--database-url", db).exit_code == 0


def test_csv_import_from_the_command_line(tmp_path: Path, db: str) -> None:
    sheet = write(tmp_path / "sheet.dat", "product_id,stock_id,availability,shelf\n1,10,3,A1\n1,11,4,A2\n")
    result = run("catalog", "import", str(sheet), "--format", "csv", "--database-url", db)
    assert result.exit_code == 0
    assert result.stdout.startswith("1 created")
    assert result.stderr == "note: ignoring columns shelf\n"
    sniffed = run("catalog", "import", str(sheet), "--database-url", db)
    assert sniffed.stdout.startswith("0 created, 0 updated, 1 unchanged")


def test_a_csv_without_its_key_columns_is_one_line_of_error(tmp_path: Path, db: str) -> None:
    sheet = write(tmp_path / "sheet.csv", "product_id,availability\n1,3\n")
    result = run("catalog", "import", str(sheet), "--database-url", db)
    assert result.exit_code == 1
    assert result.stderr == "Error: the header has no column stock_id\n"


def test_import_of_a_missing_file_is_a_usage_error(tmp_path: Path, db: str) -> None:
    result = run("catalog", "import", str(tmp_path / "nowhere.xml"), "--database-url", db)
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


@pytest.mark.parametrize("args", [[], ["--load", "file.xml"]])
def test_generate_wants_a_file_or_load(tmp_path: Path, db: str, args: list[str]) -> None:
    result = run("catalog", "generate", "--products", "2", "--database-url", db, *args)
    assert result.exit_code == 2
    assert "give FILE to write, or --load to load into the database" in result.stderr


def test_generate_load(db: str) -> None:
    result = run("catalog", "generate", "--products", "5", "--load", "--database-url", db, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["created"] == 5
    assert b'totalNumberOfElements="5"' in run("catalog", "export", "-", "--database-url", db).stdout_bytes


def test_a_progress_bar_on_a_terminal(tmp_path: Path, db: str) -> None:
    source = generated(tmp_path, products=30)
    main, secondary = pty.openpty()
    stockgate = Path(sys.executable).parent / "stockgate"
    completed = subprocess.run(
        [str(stockgate), "catalog", "import", str(source), "--database-url", db],
        stdout=secondary,
        stderr=secondary,
        timeout=120,
        check=False,
    )
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    assert completed.returncode == 0
    assert b"importing" in output
    assert b"100%" in output
    assert b"30 created" in output
