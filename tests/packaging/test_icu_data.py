"""Qt's ICU data as the Linux bundle carries it (packaging/icu_data.py): a third of the size,
and Qt sorts, names time zones and maps case exactly as with the full data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.packaging.qt_icu import QT_ICU_DATA, qt_icu_answers

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or QT_ICU_DATA is None,
                                reason="PySide6 brings its own ICU on Linux only")

_SPEC = importlib.util.spec_from_file_location(
    "fieldcrm_icu_data", Path(__file__).resolve().parents[2] / "packaging" / "icu_data.py")
icu_data = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(icu_data)


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory):
    return icu_data.trimmed_library(QT_ICU_DATA, tmp_path_factory.mktemp("icu"))


def test_a_package_read_and_written_again_is_the_same_bytes():
    header, items = icu_data.read_package(QT_ICU_DATA)
    assert len(items) > 1000
    assert icu_data.write_package(header, items) in QT_ICU_DATA.read_bytes()


def test_trimmed_library_is_a_third_of_the_size(trimmed):
    library, kept, left_out = trimmed
    assert library.name == QT_ICU_DATA.name
    assert library.stat().st_size < QT_ICU_DATA.stat().st_size * 0.4
    _, items = icu_data.read_package(library)
    assert len(items) == kept and left_out > 1000
    assert not any("/brkitr/" in name or "/translit/" in name for name in items)


def test_qt_sorts_names_zones_and_maps_case_as_with_the_full_data(trimmed):
    full, mine = qt_icu_answers(), qt_icu_answers(trimmed[0])
    # the probe tells languages apart: Swedish sorts Ä after Z, German does not
    assert full["sorted sv_SE"] != full["sorted de_DE"] and full["sorted cs_CZ"] != full["sorted en_US"]
    assert {k: v for k, v in mine.items() if k != "encodings"} == {k: v for k, v in full.items() if k != "encodings"}
    assert mine["Berlin in de_DE"] == "Mitteleuropäische Normalzeit"


def test_single_byte_encodings_stay_and_east_asian_ones_go(trimmed):
    encodings = qt_icu_answers(trimmed[0])["encodings"]
    assert encodings == {"windows-1252": True, "ISO-8859-15": True, "KOI8-R": True, "IBM437": True,
                         "Shift_JIS": False, "GB18030": False}
