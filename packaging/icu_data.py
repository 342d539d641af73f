"""Qt's ICU data library without the parts Qt never reads (Linux bundles).

PySide6's Qt links ``libicudata.so.<N>``: 32 MB holding one ICU "common data" package
(``icudt<N>_dat``). Qt Core calls ICU for four things only: case mapping (no data),
collation (``QCollator``, the file dialog's sort order: ``coll/``), time zones
(``QTimeZone`` ids and display names: ``zoneinfo64``, ``metaZones``, ``zone/``) and
legacy text encodings by name (``QStringDecoder("windows-1252")``: the ``.cnv`` tables).
All of those stay, except the multi-byte (Chinese, Japanese, Korean, EBCDIC DBCS)
encoding tables, 4.7 MB: the app decodes text in Python, never through Qt. Out go the
trees no Qt call reaches: break iteration, transliteration, spelled-out numbers, and
the display names of units, currencies, languages and regions (Qt has its own).

build.spec replaces the library in the bundle with one built here: the same package
without those items, embedded under the same symbol and soname by the C compiler.
ICU answers a lookup of a missing item with an error that Qt handles, never a crash.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

# Items of the package (names without the "icudt<N>l/" prefix) that no Qt call reads:
# whole trees, character names, string-prep (IDNA) profiles and spoof-check data.
_UNREAD = re.compile(r"^(brkitr|translit|rbnf|unit|curr|lang|region)/|\.spp$|^unames\.icu$|^confusables\.cfu$")
_ALIGN = 16
_LIBRARY = re.compile(r"^libicudata\.so\.(\d+)$")


def is_icu_data_library(name: str) -> bool:
    return _LIBRARY.match(Path(name).name) is not None


def _max_bytes_per_char(table: bytes) -> int:
    """Of a converter table (.cnv): after its data header, ``UConverterStaticData``."""
    header_size, = struct.unpack_from("<H", table, 0)
    return table[header_size + 4 + 60 + 4 + 3]  # structSize, name[60], codepage, 3 one-byte fields


def left_out(name: str, data: bytes) -> bool:
    """Whether the item ``name`` (without the "icudt<N>l/" prefix) stays out of the bundle."""
    if name.endswith(".cnv"):
        return _max_bytes_per_char(data) > 1
    return _UNREAD.search(name) is not None


# --- the library: one ELF symbol holding the package -------------------------------


def _elf_symbol(image: bytes, wanted: str) -> bytes:
    """The bytes of the dynamic symbol ``wanted`` in a 64-bit little-endian ELF object."""
    if image[:6] != b"\x7fELF\x02\x01":
        raise ValueError("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", image, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", image, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", image, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            name, _info, _other, index, value, length = struct.unpack_from("<IBBHQQ", image, pos)
            end = image.index(b"\0", strings + name)
            if image[strings + name:end].decode() == wanted:
                home = sections[index]
                start = home[4] + value - home[3]  # file offset = section offset + (value - address)
                return image[start:start + length]
    raise ValueError(f"no symbol {wanted}")


def read_package(library: Path) -> tuple[bytes, dict[str, bytes]]:
    """The package's header and its items by name, from ``libicudata.so.<N>``."""
    version = _LIBRARY.match(library.name).group(1)
    blob = _elf_symbol(library.read_bytes(), f"icudt{version}_dat")
    header_size, = struct.unpack_from("<H", blob, 0)
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
        raise ValueError(f"{library.name}: not an ICU common data package")
    toc = blob[header_size:]
    count, = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in entries[1:]] + [len(toc)]
    items = {}
    for (name_at, data_at), end in zip(entries, ends):
        name = toc[name_at:toc.index(b"\0", name_at)].decode("ascii")
        items[name] = toc[data_at:end]
    return blob[:header_size], items


def write_package(header: bytes, items: dict[str, bytes]) -> bytes:
    """An ICU common data package: header, sorted table of contents, names, aligned items.

    Offsets in the table count from its start; each item starts on a 16-byte boundary of
    the package, as ICU's own packager lays them out: given all the items of a package,
    this writes that package again byte for byte.
    """
    names = sorted(items)  # ICU looks items up by binary search on the name
    table_size = 4 + 8 * len(names)
    name_at, name_block = [], bytearray()
    for name in names:
        name_at.append(table_size + len(name_block))
        name_block += name.encode("ascii") + b"\0"
    body = bytearray(name_block)
    data_at = []
    for name in names:
        body += b"\xaa" * (-(len(header) + table_size + len(body)) % _ALIGN)  # ICU's own filler
        data_at.append(table_size + len(body))
        body += items[name]
    table = struct.pack("<I", len(names)) + b"".join(struct.pack("<II", n, d) for n, d in zip(name_at, data_at))
    return header + table + bytes(body)


def trimmed_library(source: Path, folder: Path, compiler: str | None = None) -> tuple[Path, int, int]:
    """Build ``folder/<source's name>`` without the items :func:`left_out` names.

    Returns the new library and the number of items kept and left out. Needs a C compiler
    (``cc``), which assembles the package into a shared library under the same symbol and
    soname, so Qt's ``libicuuc`` finds it where it found the original.
    """
    compiler = compiler or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError("a C compiler (cc) is needed to trim Qt's ICU data: install gcc")
    version = _LIBRARY.match(source.name).group(1)
    header, items = read_package(source)
    prefix = f"icudt{version}l/"
    kept = {name: data for name, data in items.items() if not left_out(name.removeprefix(prefix), data)}
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    package = folder / f"icudt{version}l.dat"
    package.write_bytes(write_package(header, kept))
    symbol = f"icudt{version}_dat"
    assembly = folder / f"icudt{version}.S"
    assembly.write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
        f'{symbol}:\n\t.incbin "{package.name}"\n\t.size {symbol}, . - {symbol}\n'
        f'\t.section .note.GNU-stack,"",@progbits\n')
    target = folder / source.name
    built = subprocess.run([compiler, "-shared", "-nostdlib", "-s", f"-Wl,-soname,{source.name}",
                            "-o", str(target), assembly.name], cwd=folder, capture_output=True, text=True)
    if built.returncode != 0:
        raise RuntimeError(f"{compiler} could not build {target.name}:\n{built.stderr}")
    return target, len(kept), len(items) - len(kept)
