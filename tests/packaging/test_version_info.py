"""The version IT sees in Explorer, inventories and MSI tables comes from fieldcrm.__version__."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import fieldcrm

_SPEC = importlib.util.spec_from_file_location(
    "fieldcrm_version_info", Path(__file__).resolve().parents[2] / "packaging" / "version_info.py")
version_info = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(version_info)


@pytest.mark.parametrize("text, numbers", [
    ("0.1.0", (0, 1, 0, 0)),
    ("1.4", (1, 4, 0, 0)),
    ("2.0.3rc1", (2, 0, 3, 0)),
    ("3.1.0.dev7+g1234abc", (3, 1, 0, 0)),
])
def test_version_numbers_for_windows(text, numbers):
    assert version_info.version_tuple(text) == numbers


def test_a_version_without_numbers_is_refused():
    with pytest.raises(ValueError, match="not a version number"):
        version_info.version_tuple("latest")


def test_resource_carries_the_app_version():
    pytest.importorskip("pefile", reason="PyInstaller installs pefile on Windows, where the resource is built")
    resource = str(version_info.windows_version_info(fieldcrm.__version__))
    assert f"StringStruct('ProductVersion', '{fieldcrm.__version__}')" in resource
    assert "StringStruct('OriginalFilename', 'fieldcrm.exe')" in resource
    assert "filevers=(%s)" % ", ".join(map(str, version_info.version_tuple(fieldcrm.__version__))) in resource
