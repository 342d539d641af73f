"""The Windows version resource of fieldcrm.exe, made from ``fieldcrm.__version__``.

Explorer's Properties dialog, MSI/Intune inventories and ``Get-Item ...VersionInfo`` read
it; build.spec attaches it to the executable when it builds on Windows.
"""

from __future__ import annotations

import re

COMPANY = "fieldcrm"
PRODUCT = "fieldcrm"
DESCRIPTION = "fieldcrm - offline-first CRM for field sales and service"


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"1.4.2"`` -> ``(1, 4, 2, 0)``; a suffix such as ``rc1`` or ``.dev3`` is dropped."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    if not numbers:
        raise ValueError(f"not a version number: {version!r}")
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def windows_version_info(version: str):
    """A ``VSVersionInfo`` for PyInstaller's ``EXE(version=...)``."""
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    numbers = version_tuple(version)
    strings = [
        StringStruct("CompanyName", COMPANY),
        StringStruct("FileDescription", DESCRIPTION),
        StringStruct("FileVersion", version),
        StringStruct("InternalName", "fieldcrm"),
        StringStruct("OriginalFilename", "fieldcrm.exe"),
        StringStruct("ProductName", PRODUCT),
        StringStruct("ProductVersion", version),
    ]
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            StringFileInfo([StringTable("040904B0", strings)]),  # U.S. English, Unicode
            VarFileInfo([VarStruct("Translation", [0x0409, 1200])]),
        ],
    )
