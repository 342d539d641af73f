"""The packaged app (build.spec) works on a machine without Python: the CI smoke test.

Builds the one-folder bundle once per source state (cached by ``bench.bundle``, a few
minutes the first time), then runs the built binary the way IT does: ``--version``,
``--self-test --json`` on a fresh profile, an old replica, and the desktop window
offscreen. Timings are measured by ``bench/bundle.py``, not asserted here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fieldcrm
from bench.bundle import bundle_env, ensure_bundle
from fieldcrm.storage.migrate import head_revision
from tests.packaging.old_replica import OUTBOX, PENDING, make_old_replica, outbox_snapshot
from tests.packaging.qt_icu import QT_ICU_DATA, qt_icu_answers

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle():
    return ensure_bundle()


@pytest.fixture
def env(tmp_path):
    return bundle_env(tmp_path)


def run(bundle, env, *argv, timeout=120):
    return subprocess.run([str(bundle.executable), *map(str, argv)], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_version_runs_without_python(bundle, env):
    result = run(bundle, env, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fieldcrm {fieldcrm.__version__}"


def test_self_test_passes_on_a_fresh_laptop(bundle, env, tmp_path):
    profile = tmp_path / "profile"
    result = run(bundle, env, "--profile", profile, "--self-test", "--json")
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["ok"] is True
    # keyrings.alt travels in the bundle and is reported as chosen on purpose, not secure
    assert checks["keyring"]["severity"] == "warning"
    assert "keyrings.alt.file.PlaintextKeyring works but is NOT secure" in checks["keyring"]["detail"]
    # the migrations are in the bundle as files, up to the newest revision of the sources
    assert checks["replica"]["severity"] == "ok"
    assert f"migrates to schema {head_revision()}" in checks["replica"]["detail"]
    assert (profile / "logs" / "fieldcrm.log").is_file()


def test_self_test_fails_on_a_broken_site_file(bundle, env, tmp_path):
    Path(env["FIELDCRM_SITE_CONFIG"]).write_text("server_url = [not toml\n")
    result = run(bundle, env, "--profile", tmp_path / "profile", "--self-test")
    assert result.returncode == 1
    assert re.search(r"^FAILED\s+configuration\s+.*site\.toml", result.stdout, re.MULTILINE)
    assert "Traceback" not in result.stdout + result.stderr


def test_bundle_upgrades_the_previous_releases_replica(bundle, env, tmp_path):
    profile = tmp_path / "profile"
    path = make_old_replica(profile)
    before = outbox_snapshot(path)

    result = run(bundle, env, "--profile", profile, "status", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pending"] == PENDING

    after = outbox_snapshot(path)
    assert [{k: row[k] for k in before[0]} for row in after] == before
    assert len(after) == len(OUTBOX)


def test_diagnostics_zip_from_the_bundle(bundle, env, tmp_path):
    target = tmp_path / "support.zip"
    result = run(bundle, env, "--profile", tmp_path / "profile", "--collect-diagnostics", target)
    assert result.returncode == 0, result.stderr
    import zipfile

    with zipfile.ZipFile(target) as bundle_zip:
        names = bundle_zip.namelist()
    assert "self-test.json" in names and "logs/fieldcrm.log" in names


def test_main_window_opens_offscreen_and_quits_when_asked(bundle, env, tmp_path):
    """`fieldcrm app --quit-after` opens the window on a fresh profile, keeps it open, exits 0."""
    profile = tmp_path / "profile"
    started = time.monotonic()
    result = run(bundle, env, "--profile", profile, "app", "--quit-after", 5, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert time.monotonic() - started >= 5, "the app ended before its window was asked to close"
    assert "Traceback" not in result.stderr and "Could not load the Qt platform plugin" not in result.stderr
    assert (profile / "replica.sqlite").is_file()


def test_server_test_and_unused_qt_parts_stay_out(bundle):
    internal = bundle.folder / "_internal"
    top = {p.name.split(".")[0].split("-")[0] for p in internal.iterdir()}
    assert not top & {"fastapi", "uvicorn", "starlette", "psycopg", "psycopg2", "trytond", "argon2",
                      "pytest", "_pytest", "hypothesis", "schemathesis", "numpy", "pandas", "PyInstaller"}
    assert not (internal / "fieldcrm" / "server").exists()
    qt_libs = " ".join(p.name for p in (internal / "PySide6" / "Qt" / "lib").glob("*"))
    for unused in ("WebEngine", "Qt63D", "Multimedia", "Qml", "Quick", "Designer", "Pdf"):
        assert unused not in qt_libs
    assert any(internal.glob("PySide6/QtCharts.*"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the desktop libraries are Linux's")
def test_linux_desktop_libraries_come_from_the_desktop(bundle):
    """Copies of GLib, fontconfig or libX11 from the build machine break on newer desktops."""
    internal = bundle.folder / "_internal"
    for name in ("libglib-2.0.so*", "libgio-2.0.so*", "libfontconfig.so*", "libX11.so*", "libdbus-1.so*"):
        assert not list(internal.glob(name)), name
    assert list(internal.glob("libxcb-cursor.so*")), "Qt's xcb helpers stay: not every desktop has them"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is Linux's")
def test_every_bundled_qt_plugin_finds_its_qt_libraries(bundle):
    """A plugin kept in the bundle whose Qt library was left out fails on the user's desktop."""
    internal = bundle.folder / "_internal"
    plugins = sorted((internal / "PySide6" / "Qt" / "plugins").rglob("*.so"))
    assert {p.parent.name for p in plugins} >= {"platforms", "imageformats"}
    assert {"libqoffscreen.so", "libqxcb.so", "libqwayland.so"} <= {p.name for p in plugins}
    assert [p.name for p in plugins if p.parent.name == "imageformats"] == ["libqsvg.so"]
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    missing = {}
    for plugin in plugins:
        out = subprocess.run(["ldd", str(plugin)], env=env, capture_output=True, text=True).stdout
        lost = [line.split()[0] for line in out.splitlines()
                if "not found" in line and re.match(r"\s*lib(Qt6|icu|pyside|shiboken)", line)]
        if lost:
            missing[plugin.name] = lost
    assert missing == {}


def _not_found(binary, internal):
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    out = subprocess.run(["ldd", str(binary)], env=env, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if "not found" in line]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is Linux's")
def test_route_planner_and_charts_find_their_libraries(bundle):
    """OR-Tools' solver libraries and QtCharts' Qt libraries all travel with the bundle."""
    internal = bundle.folder / "_internal"
    solver = internal / "ortools" / "constraint_solver" / "_pywrapcp.so"
    charts = next(internal.glob("PySide6/QtCharts.*.so"))
    assert _not_found(solver, internal) == []
    assert _not_found(charts, internal) == []


_SOLVE_A_DAY = """
import json, pathlib, sys
from fieldcrm.routing.solver import FleetProblem, SearchSettings, solve_fleet
# a depot and four stops on a line, in scrambled order: the best round visits them in line
places = [0, 30, 10, 40, 20]
cost = [[abs(a - b) for b in places] for a in places]
solution = solve_fleet(FleetProblem(cost, [0], [0]), SearchSettings(seconds=1.0))
maps = pathlib.Path("/proc/self/maps").read_text().split()
solver = sorted({str(pathlib.Path(p).resolve()) for p in maps if p.endswith(("libortools.so.9", "_pywrapcp.so"))})
print(json.dumps({"routes": solution.routes, "objective": solution.objective, "loaded": solver}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/maps is Linux's")
def test_route_planner_solves_a_day_with_the_bundled_solver(bundle, tmp_path):
    """The solver libraries as shipped (stripped by the build) plan a day: OR-Tools' Python
    files from the development environment, its compiled parts from the bundle."""
    import ortools

    internal = (bundle.folder / "_internal").resolve()
    source, package = Path(ortools.__file__).parent, tmp_path / "ortools"
    package.mkdir()
    for entry in source.iterdir():
        if entry.name not in ("constraint_solver", ".libs"):
            (package / entry.name).symlink_to(entry)
    (package / ".libs").symlink_to(internal / "ortools" / ".libs")
    (package / "constraint_solver").mkdir()
    for entry in (source / "constraint_solver").iterdir():
        shipped = internal / "ortools" / "constraint_solver" / entry.name
        (package / "constraint_solver" / entry.name).symlink_to(shipped if entry.suffix == ".so" else entry)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    out = subprocess.run([sys.executable, "-c", _SOLVE_A_DAY], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    answer = json.loads(out)
    assert answer["routes"] in ([[2, 4, 1, 3]], [[3, 1, 4, 2]])
    assert answer["objective"] == 80
    assert answer["loaded"] and all(path.startswith(str(internal)) for path in answer["loaded"])


def _needed(binary):
    out = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries are Linux's")
def test_every_library_at_the_top_of_the_bundle_is_needed_by_it(bundle):
    """A library nothing in the bundle loads is dead weight, and the desktop's own
    libraries would pick it up instead of the desktop's version."""
    internal = bundle.folder / "_internal"
    binaries = [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
    needed = set().union(*map(_needed, binaries))
    top = {p.name for p in internal.glob("lib*.so*")}
    assert sorted(name for name in top - needed if not name.startswith("libpython")) == []


@pytest.mark.skipif(QT_ICU_DATA is None, reason="PySide6 brings its own ICU on Linux only")
def test_bundled_icu_data_serves_qt_as_the_full_data(bundle):
    """The trimmed ICU data (packaging/icu_data.py) sorts and names time zones as before."""
    bundled = bundle.folder / "_internal" / "PySide6" / "Qt" / "lib" / QT_ICU_DATA.name
    assert bundled.stat().st_size < QT_ICU_DATA.stat().st_size * 0.4
    full, mine = qt_icu_answers(), qt_icu_answers(bundled)
    assert {k: v for k, v in mine.items() if k != "encodings"} == {k: v for k, v in full.items() if k != "encodings"}
    assert mine["encodings"]["windows-1252"] is True
