"""What goes into the Lambda zip, and its budget.

`python -m infra.package vendor` fills `vendor/` (which Chalice adds to the zip as is) with:
- PynamoDB without its dependencies (the Lambda runtime has botocore);
- `holidays` with only the countries the portfolio uses (HOLIDAY_COUNTRIES): the package ships 250
  countries, 1,100 files and 4.7 MB of translations, and its `countries` package imports every one of them.
`python -m infra.package check ZIP` rewrites the zip without what no Lambda reads (bytecode caches, type
stubs) and fails when it is over the budget.

Powertools and pydantic are not in the zip at all: they come from the official Powertools layer
(infra/layers.py), which carries both."""
from __future__ import annotations

import re
import shutil
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(sysconfig.get_paths()["purelib"])
VENDOR = ROOT / "vendor"
# The countries whose public holidays close a property's office (Property.holiday_country). Add one here
# when the portfolio grows across a border.
HOLIDAY_COUNTRIES = {"united_states": "US"}
BUDGET = 3 * 1024 * 1024  # bytes, zipped
DROPPED = ("__pycache__/", ".pyi")  # package metadata stays: some packages read their version from it


def vendor() -> None:
    shutil.rmtree(VENDOR, ignore_errors=True)
    VENDOR.mkdir()
    shutil.copytree(SITE / "pynamodb", VENDOR / "pynamodb", ignore=shutil.ignore_patterns("__pycache__"))
    _holidays()


def _holidays() -> None:
    source, target = SITE / "holidays", VENDOR / "holidays"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "locale", "countries",
                                                                  "financial", "generate_ics.py"))
    (target / "countries").mkdir()
    (target / "financial").mkdir()
    (target / "financial" / "__init__.py").write_text('"""No financial markets in this build."""\n')
    lines = ['"""Only the countries the portfolio uses (infra/package.py)."""']
    for module, code in HOLIDAY_COUNTRIES.items():
        shutil.copy2(source / "countries" / f"{module}.py", target / "countries" / f"{module}.py")
        lines.append(f"from holidays.countries.{module} import *  # noqa: F403 - {code}")
        for mo in (source / "locale").glob(f"*/LC_MESSAGES/{code}.mo"):
            kept = target / mo.relative_to(source)
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(mo, kept)
    (target / "countries" / "__init__.py").write_text("\n".join(lines) + "\n")
    _registry(target / "registry.py")
    for metadata in SITE.glob("holidays-*.dist-info"):  # holidays reads its version from it
        shutil.copytree(metadata, VENDOR / metadata.name)


def _registry(path: Path) -> None:
    """The registry names every country and market for lazy loading: keep only those that are here."""
    text = path.read_text()
    for table in ("COUNTRIES", "FINANCIAL"):
        start = text.index(f"{table}: RegistryDict = {{")
        end = text.index("\n}\n", start) + 3
        kept = [f'    "{m}": {_entry(text[start:end], m)},' for m in HOLIDAY_COUNTRIES] if table == "COUNTRIES" else []
        text = text[:start] + f"{table}: RegistryDict = {{\n" + "\n".join(kept) + "\n}\n" + text[end:]
    path.write_text(text)


def _entry(table: str, module: str) -> str:
    """The registry's tuple for one module (names and codes: no nested parentheses)."""
    return re.search(rf'\n    "{module}": (\(.*?\)),\n', table, re.DOTALL).group(1)


def check(zip_path: Path) -> int:
    source = zipfile.ZipFile(zip_path)
    kept = [i for i in source.infolist() if not any(d in i.filename for d in DROPPED)]
    trimmed = zip_path.with_suffix(".trimmed")
    with zipfile.ZipFile(trimmed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in kept:
            out.writestr(info, source.read(info.filename))
    source.close()
    trimmed.replace(zip_path)
    size, unpacked = zip_path.stat().st_size, sum(i.file_size for i in kept)
    print(f"package: {size / 1048576:.2f} MB zipped (budget {BUDGET / 1048576:.0f} MB), "
          f"{unpacked / 1048576:.1f} MB and {len(kept)} files unpacked")
    if size > BUDGET:
        print("package: over budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["vendor"]:
        vendor()
    elif sys.argv[1:2] == ["check"]:
        sys.exit(check(Path(sys.argv[2])))
    else:
        sys.exit("usage: python -m infra.package vendor | check ZIP")
