"""The command line: listing, facts as JSON, and bad input that exits 2 having written nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim.build import registry

ROOT = Path(__file__).resolve().parent.parent


def gdsim(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "gdsim", *args], cwd=cwd, capture_output=True, text=True)


def test_list_names_every_asset():
    done = gdsim("list")
    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == [a.name for a in registry.ASSETS]


def test_facts_print_json_with_the_quoted_numbers():
    done = gdsim("facts")
    assert done.returncode == 0
    facts = json.loads(done.stdout)
    assert facts["start_loss"] == pytest.approx(2.742, abs=5e-4)
    assert facts["snap_b"] == pytest.approx(0.52) and facts["snap_w"] == pytest.approx(-0.16)


def test_cli_works_from_another_directory(tmp_path):
    assert gdsim("list", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["render", "no-such-figure"], "unknown asset"),
        (["render", "--jobs", "0"], "whole number from 1 to 64"),
        (["render", "--jobs", "-3"], "whole number from 1 to 64"),
        (["render", "--jobs", "two"], "whole number from 1 to 64"),
        (["render", "--jobs", "1.5"], "whole number from 1 to 64"),
        (["render", "--jobs", "9" * 30], "whole number from 1 to 64"),
        (["render", "--out", ""], "--out names no folder"),
        (["render", "--out", "  "], "--out names no folder"),
        (["render", "--colour"], "unrecognized arguments"),
        (["paint"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_writes_nothing(args, message, tmp_path):
    figures = ROOT / "figures"
    before = {p.name: p.stat().st_mtime_ns for p in figures.iterdir()} if figures.exists() else {}
    done = gdsim(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    after = {p.name: p.stat().st_mtime_ns for p in figures.iterdir()} if figures.exists() else {}
    assert after == before
