"""Extract the app's strings into the .ts files and compile them to .qm.

    .venv/bin/python resources/translations/build.py            # update .ts, then compile
    .venv/bin/python resources/translations/build.py --compile  # compile only

``pyside6-lupdate`` reads every ``tr()``, ``QCoreApplication.translate()`` and
``QT_TRANSLATE_NOOP()`` under ``fieldcrm/ui`` and adds new strings to each
``fieldcrm_<lang>.ts`` here (translated strings are kept; strings no longer in
the code are dropped). Translate in Qt Linguist (``pyside6-linguist``) or any
text editor, then run this again: ``pyside6-lrelease`` writes the ``.qm`` files
the app loads. The ``.qm`` files are committed, so a fresh checkout runs in
every language without this step.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = ROOT / "fieldcrm" / "ui"
#: The languages the app ships, as ``fieldcrm_<code>.ts`` files.
LANGUAGES = ("de",)


def tool(name: str) -> str:
    """The PySide6 tool beside this Python (the project's venv)."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else name


def update(ts: Path, language: str) -> None:
    subprocess.run([tool("pyside6-lupdate"), "-extensions", "py", "-locations", "none", "-no-obsolete",
                    "-source-language", "en", "-target-language", language,
                    str(SOURCES), "-ts", str(ts)], check=True)


def compile_(ts: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", action="store_true", help="only compile the .ts files to .qm")
    args = parser.parse_args(argv)
    for language in LANGUAGES:
        ts = HERE / f"fieldcrm_{language}.ts"
        if not args.compile:
            update(ts, language)
        compile_(ts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
