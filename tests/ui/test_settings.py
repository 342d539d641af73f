"""Typed settings: values survive a restart, locked settings stay put."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QMainWindow, QTableView

from fieldcrm.ui.settings import DEFAULTS, Setting, SettingLocked, Settings


@pytest.fixture
def ini(tmp_path):
    return tmp_path / "profile" / "fieldcrm.ini"


def reopen(ini, **kwargs):
    return Settings.at(ini, **kwargs)


def test_fresh_profile_reads_the_defaults(qtbot, ini):
    settings = Settings.at(ini)
    assert {name: settings.get(name) for name in settings.names()} == {
        name: spec.default for name, spec in DEFAULTS.items()
    }


@pytest.mark.parametrize(
    "name, value",
    [
        ("server/url", "https://crm.example.com:8443/api?a=1,b=2"),
        ("ui/language", "  pt_BR , ü "),
        ("sync/interval_minutes", 45),
        ("sync/on_reconnect", False),
        ("map/default_zoom", 13.5),
        ("ui/recent_searches", ["Müller, GmbH", "Lyon", ""]),
        ("lists/columns", {"accounts": ["name", "city"], "jobs": {"hidden": [1, 2]}}),
    ],
)
def test_values_survive_a_restart(qtbot, ini, name, value):
    settings = Settings.at(ini)
    settings.set(name, value)
    settings.sync()
    assert reopen(ini).get(name) == value
    assert type(reopen(ini).get(name)) is type(value)


def test_json_settings_are_stored_as_text_not_pickled(qtbot, ini):
    settings = Settings.at(ini)
    settings.set("lists/columns", {"accounts": ["name"]})
    settings.sync()
    raw = ini.read_text(encoding="utf-8")
    assert "@Variant" not in raw and "@ByteArray" not in raw
    assert "accounts" in raw


def test_wrong_types_and_unknown_names_are_refused(qtbot, ini):
    settings = Settings.at(ini)
    with pytest.raises(TypeError):
        settings.set("sync/interval_minutes", "15")
    with pytest.raises(TypeError):
        settings.set("sync/interval_minutes", True)
    with pytest.raises(TypeError):
        settings.set("ui/recent_searches", [object()])
    with pytest.raises(KeyError):
        settings.set("sync/intervall_minutes", 15)
    assert settings.get("sync/interval_minutes") == 15
    assert settings.get("ui/recent_searches") == []


def test_unreadable_stored_value_falls_back_to_the_default(qtbot, ini):
    ini.parent.mkdir(parents=True)
    ini.write_text("[sync]\ninterval_minutes=soon\non_reconnect=maybe\n", encoding="utf-8")
    settings = Settings.at(ini)
    assert settings.get("sync/interval_minutes") == 15
    assert settings.get("sync/on_reconnect") is True


def test_default_lists_are_not_shared_between_readers(qtbot, ini):
    settings = Settings.at(ini)
    settings.get("ui/recent_searches").append("leaked")
    assert settings.get("ui/recent_searches") == []


def test_changed_is_emitted_after_a_write(qtbot, ini):
    settings = Settings.at(ini)
    with qtbot.waitSignal(settings.changed) as blocker:
        settings.set("ui/confirm_deletes", False)
    assert blocker.args == ["ui/confirm_deletes"]


def test_locked_setting_refuses_writes_and_reads_the_site_value(qtbot, ini):
    Settings.at(ini).set("server/url", "https://old.example.com")
    site = {"server/url": "https://crm.example.com", "sync/interval_minutes": 30}
    settings = reopen(ini, overrides=site, locked={"server/url"})

    assert settings.is_locked("server/url")
    assert not settings.is_locked("sync/interval_minutes")
    assert settings.get("server/url") == "https://crm.example.com"
    with pytest.raises(SettingLocked):
        settings.set("server/url", "https://elsewhere.example.com")
    with pytest.raises(SettingLocked):
        settings.reset("server/url")
    assert settings.get("server/url") == "https://crm.example.com"

    # A site default that is not locked is only a default.
    assert settings.get("sync/interval_minutes") == 30
    settings.set("sync/interval_minutes", 5)
    assert settings.get("sync/interval_minutes") == 5
    settings.reset("sync/interval_minutes")
    assert settings.get("sync/interval_minutes") == 30


def test_site_configuration_naming_unknown_settings_is_refused(qtbot, ini):
    with pytest.raises(KeyError):
        Settings.at(ini, locked={"server/uri"})
    with pytest.raises(TypeError):
        Settings.at(ini, overrides={"sync/interval_minutes": "30"})


def test_custom_defaults_table(qtbot, ini):
    settings = Settings.at(ini, defaults={"demo/seed": Setting(int, 7)})
    assert settings.get("demo/seed") == 7
    with pytest.raises(KeyError):
        settings.get("server/url")


def test_window_comes_back_with_its_size_and_toolbars(qtbot, ini):
    window = QMainWindow()
    qtbot.addWidget(window)
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main-toolbar")
    window.resize(612, 433)
    window.show()
    qtbot.waitExposed(window)
    toolbar.hide()
    settings = Settings.at(ini)
    settings.save_window(window, "main")
    settings.sync()

    again = QMainWindow()
    qtbot.addWidget(again)
    again_toolbar = again.addToolBar("Main")
    again_toolbar.setObjectName("main-toolbar")
    assert reopen(ini).restore_window(again, "main")
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (612, 433)
    assert again_toolbar.isHidden()
    assert not reopen(ini).restore_window(QMainWindow(), "never-saved")


def test_list_columns_come_back_as_the_user_left_them(qtbot, ini):
    model = QStandardItemModel(3, 3)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.horizontalHeader().resizeSection(1, 321)
    view.horizontalHeader().moveSection(2, 0)
    Settings.at(ini).save_header(view.horizontalHeader(), "accounts")

    other = QTableView()
    qtbot.addWidget(other)
    other.setModel(QStandardItemModel(3, 3))
    assert reopen(ini).restore_header(other.horizontalHeader(), "accounts")
    assert other.horizontalHeader().sectionSize(1) == 321
    assert other.horizontalHeader().logicalIndex(0) == 2
