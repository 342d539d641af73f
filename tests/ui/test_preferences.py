"""Edit ▸ Preferences: a person changes their language, sync interval and working
day without editing a settings file; the organisation's site file still rules."""

import datetime as dt

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fieldcrm.config import load_settings
from fieldcrm.ui.preferences import PreferencesDialog
from fieldcrm.ui.prefs import open_prefs
from fieldcrm.ui.schedule.routing_prefs import routing_prefs

from test_app_support import demo_replica, window  # noqa: F401  (fixtures)


def ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_ctrl_comma_opens_preferences_and_ok_keeps_the_changes_on_disk(window, qtbot, tmp_path):
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PreferencesDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.interval.value() == 15 and dialog.on_reconnect.isChecked()
    assert dialog.day_start.time() == QTime(8, 0) and dialog.day_end.time() == QTime(17, 0)

    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    dialog.interval.setValue(30)
    dialog.day_start.setTime(QTime(7, 30))
    dialog.day_end.setTime(QTime(16, 0))
    dialog.speed.setValue(60)
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    # the running app uses them at once: the sync timer and the schedule's planning
    prefs = window.ctx.prefs
    assert prefs.get("sync/interval_minutes") == 30
    hours = routing_prefs(prefs)
    assert hours.hours == (dt.time(7, 30), dt.time(16, 0)) and hours.travel.average_speed_kmh == 60
    # and the next start finds them in the profile's settings file
    again = open_prefs(tmp_path / "profile")
    assert again.get("ui/language") == "de" and again.get("routing/day_start") == "07:30"


def test_a_day_that_ends_before_it_starts_is_refused_and_nothing_is_stored(window, qtbot):
    dialog = window.edit_preferences()
    qtbot.waitExposed(dialog)
    dialog.interval.setValue(45)
    dialog.day_end.setTime(QTime(7, 0))
    assert dialog.hours_error.isVisible()
    assert dialog.hours_error.text() == "The working day must end after it starts."
    assert not ok(dialog).isEnabled()
    qtbot.keyClick(dialog.day_end, Qt.Key.Key_Return)  # Enter does not get round it either
    assert dialog.isVisible()
    assert window.ctx.prefs.get("sync/interval_minutes") == 15

    dialog.day_end.setTime(QTime(18, 0))
    assert not dialog.hours_error.isVisible() and ok(dialog).isEnabled()
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert window.ctx.prefs.get("sync/interval_minutes") == 45
    assert window.ctx.prefs.get("routing/day_end") == "18:00"


def test_cancel_keeps_everything_and_restore_defaults_forgets_the_users_values(window, qtbot):
    prefs = window.ctx.prefs
    prefs.set("routing/road_factor", 1.8)
    dialog = window.edit_preferences()
    assert dialog.road_factor.value() == 1.8
    dialog.road_factor.setValue(2.5)
    dialog.reject()
    assert prefs.get("routing/road_factor") == 1.8

    dialog = window.edit_preferences()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults),
                     Qt.MouseButton.LeftButton)
    assert dialog.road_factor.value() == 1.3
    assert prefs.get("routing/road_factor") == 1.8  # not before OK
    dialog.accept()
    assert prefs.get("routing/road_factor") == 1.3


def site(tmp_path, text):
    path = tmp_path / "site.toml"
    path.write_text(text)
    return load_settings(site_file=path, user_file=None, env={})


def test_the_site_files_sync_interval_is_the_apps_and_a_locked_one_cannot_be_changed(qtbot, tmp_path):
    # IT's interval (seconds) is the app's default, in minutes
    prefs = open_prefs(tmp_path / "a", site(tmp_path, "sync_interval = 600\n"))
    assert prefs.get("sync/interval_minutes") == 10
    dialog = PreferencesDialog(prefs)
    qtbot.addWidget(dialog)
    assert dialog.interval.value() == 10 and dialog.interval.isEnabled()

    # locked: shown greyed out with the reason, and OK never writes it
    locked = open_prefs(tmp_path / "b", site(tmp_path, 'sync_interval = 90\nlocked = ["sync_interval"]\n'))
    locked.set("routing/day_start", "09:00")
    dialog = PreferencesDialog(locked)
    qtbot.addWidget(dialog)
    assert dialog.interval.value() == 2 and not dialog.interval.isEnabled()
    assert dialog.interval.toolTip() == "Set by your organisation"
    dialog.restore_defaults()
    assert dialog.interval.value() == 2 and dialog.day_start.time() == QTime(8, 0)
    dialog.accept()
    assert locked.get("sync/interval_minutes") == 2
    assert locked.get("routing/day_start") == "08:00"
