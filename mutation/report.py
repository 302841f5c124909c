#!/usr/bin/env python3
"""The mutation score of `make mutate`, from mutmut's results in mutants/*.meta.

Per module `mutation score: K/N killed`, then the overall line; exits non-zero when a rules module is
below 90% or the whole is below 80%. Only mutants that a test killed count: a survivor explained in
mutation/survivors.md (equivalent or harmless) still counts against the score, the file only says why
it is left. A mutant that was not run (no tests, timeout, not checked) is not killed either.

    python mutation/report.py              the report (run from the repository root, after `mutmut run`)
    python mutation/report.py --selection  the mutant names `mutmut run` is given (what is scored)
"""
from __future__ import annotations

import json
import re
import sys
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
SURVIVORS = ROOT / "mutation" / "survivors.md"

# The pure rules: every function of these modules.
RULES = ["chalicelib/rules/triage.py", "chalicelib/rules/calendar.py", "chalicelib/rules/service_levels.py",
         "chalicelib/rules/oncall.py", "chalicelib/rules/replies.py"]
# The ticket store's write path. Reading and listing (get_ticket, thread, audit_trail, open_queue, by_index,
# the cursors) are left out, as are the small helpers the write path calls (_message, _audit, ...).
STORE = "chalicelib/tickets/store.py"
STORE_WRITE_PATH = ["create_ticket", "add_message", "update", "change_status", "assign", "set_tier", "_queue_fields",
                    "_queue_fields_after", "_raced"]
RULES_TARGET, OVERALL_TARGET = 0.90, 0.80

KILLED = {1, 3}  # mutmut: a failing test run (3: pytest's internal error, which mutmut counts as a kill)
STATUS = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout", 24: "timeout",
          -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked", -9: "segfault", -11: "segfault"}


def module_name(path: str) -> str:
    return path[:-3].replace("/", ".")


def selection() -> list[str]:
    """Glob patterns of the scored mutants, as `mutmut run` takes them."""
    names = [f"{module_name(p)}.*" for p in RULES]
    names += [f"{module_name(STORE)}.x_{fn}__mutmut_*" for fn in STORE_WRITE_PATH]
    return names


def scored(path: str, name: str) -> bool:
    return path in RULES or any(fnmatch(name, f"{module_name(STORE)}.x_{fn}__mutmut_*") for fn in STORE_WRITE_PATH)


def explained() -> set[str]:
    if not SURVIVORS.exists():
        return set()
    return set(re.findall(r"`?(chalicelib\.[\w.ǁ]+__mutmut_\d+)`?", SURVIVORS.read_text(encoding="utf-8")))


def pct(k: int, n: int) -> float:
    return 100.0 * k / n if n else 0.0


def main() -> int:
    if "--selection" in sys.argv[1:]:
        print(" ".join(selection()))
        return 0
    results: dict[str, dict[str, int | None]] = {}
    for path in RULES + [STORE]:
        meta = MUTANTS / (path + ".meta")
        if not meta.exists():
            print(f"no results for {path} ({meta} is missing): run `mutmut run` first", file=sys.stderr)
            return 2
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        results[path] = {name: code for name, code in codes.items() if scored(path, name)}

    notes = explained()
    failed, total_k, total_n, unexplained = False, 0, 0, []
    for path, codes in results.items():
        k = sum(code in KILLED for code in codes.values())
        n = len(codes)
        total_k, total_n = total_k + k, total_n + n
        label = path if path in RULES else f"{path} (write path: {', '.join(STORE_WRITE_PATH)})"
        below = path in RULES and k < RULES_TARGET * n
        failed |= below
        print(f"{label}: mutation score: {k}/{n} killed ({pct(k, n):.1f}%)"
              + (f"  BELOW {RULES_TARGET:.0%}" if below else ""))
        for name, code in sorted(codes.items()):
            if code not in KILLED:
                status = STATUS.get(code, "suspicious")
                mark = "explained" if name in notes else "NOT EXPLAINED in mutation/survivors.md"
                print(f"    {status}: {name} ({mark})")
                if name not in notes:
                    unexplained.append(name)
    overall_below = total_k < OVERALL_TARGET * total_n
    failed |= overall_below
    print(f"mutation score: {total_k}/{total_n} killed ({pct(total_k, total_n):.1f}%)"
          + (f"  BELOW {OVERALL_TARGET:.0%}" if overall_below else ""))
    if unexplained:
        print(f"{len(unexplained)} surviving mutant(s) not explained in mutation/survivors.md: "
              "`mutmut show NAME` shows one; kill it with a test or explain it there.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
