"""`manage.py simulate day` on a fresh twin started like `make run`, then `manage.py report kpis`: every KPI
comes back with its value, target and met/missed, as JSON, as the table and as CSV."""
import json
import subprocess
import sys

import pytest

from chalicelib.rules import kpis
from tests.test_twin_server import ROOT, twin  # noqa: F401 - the module's twin fixture

pytestmark = pytest.mark.server


def run(twin, *args, timeout=300) -> subprocess.CompletedProcess:  # noqa: F811 - the fixture
    env = {k: v for k, v in twin.items() if k not in ("process", "log")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_a_simulated_day_gives_every_kpi_its_value_target_and_verdict(twin):  # noqa: F811 - the fixture
    played = run(twin, "simulate", "day", "--date", "2026-11-18", "--contacts", "12", "--seed", "5")
    assert played.returncode == 0, played.stdout + played.stderr
    summary = json.loads(played.stdout)
    assert summary["contacts"] == 12 and summary["tickets"] >= 10 and not summary["errors"]
    assert summary["by"].get("resolved") and summary["by"].get("replied")

    period = ["--from", "2026-11-18", "--to", "2026-11-19", "--at", "2026-11-19T23:00"]
    result = run(twin, "report", "kpis", "--json", *period)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [k["key"] for k in report["kpis"]] == [k.key for k in kpis.DEFINITIONS]
    assert all({"value", "target", "met", "previous"} <= set(k) for k in report["kpis"])
    assert report["tickets"] == summary["tickets"]
    shown = {k["key"]: k for k in report["kpis"]}
    assert shown["fcr"]["value"] is not None and shown["fcr"]["met"] in (True, False)
    assert shown["backlog_aging"]["value"] is None  # a past period has no snapshot of the queue

    table = run(twin, "report", "kpis", *period)
    assert table.returncode == 0 and "First-contact resolution" in table.stdout and "≥ 75 %" in table.stdout
    assert ("met" in table.stdout) or ("MISSED" in table.stdout)
    exported = run(twin, "report", "kpis", "--csv", *period)
    assert exported.stdout.splitlines()[0].startswith("from,to,scope,key,label")
    assert len(exported.stdout.splitlines()) == 1 + len(kpis.DEFINITIONS) * 3  # the portfolio and both properties
