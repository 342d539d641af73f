"""What Qt asks of ICU, asked of the real Qt in a fresh Python: sorting, time zone names,
case mapping, legacy encodings. ``preload`` runs it on another ``libicudata`` (the
bundle's), which the dynamic loader then takes for the one Qt links."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import PySide6

QT_ICU_DATA = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"), None)

WORDS = ["Zebra", "Äpfel", "apfel", "Öl", "Ofen", "ångström", "zulu", "Ärger", "Łódź", "Ludwig", "Marek",
         "Čapek", "Cyril", "chata", "hrad", "Ivan"]

_PROBE = """
import json, sys
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
words = json.loads(sys.argv[1])
answers = {}
for name in ("de_DE", "sv_SE", "cs_CZ", "pl_PL", "en_US"):
    collator = QCollator(QLocale(name))
    answers["sorted " + name] = sorted(words, key=collator.sortKey)
berlin = QTimeZone(b"Europe/Berlin")
for name in ("de_DE", "en_US", "fr_FR"):
    answers["Berlin in " + name] = berlin.displayName(QTimeZone.StandardTime, QTimeZone.LongName, QLocale(name))
answers["upper tr"] = QLocale("tr_TR").toUpper("istanbul")
answers["upper de"] = QLocale("de_DE").toUpper("straße")
answers["encodings"] = {name: QStringDecoder(name).isValid()
                        for name in ("windows-1252", "ISO-8859-15", "KOI8-R", "IBM437", "Shift_JIS", "GB18030")}
print(json.dumps(answers))
"""


def qt_icu_answers(preload: Path | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    out = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(WORDS)], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return json.loads(out)
