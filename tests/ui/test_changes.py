"""Change notifications: views refresh only for what they show."""

import pytest
import shiboken6
from PySide6.QtCore import SIGNAL
from PySide6.QtWidgets import QWidget

from fieldcrm.ui.changes import Change, ChangeBus


class FakeView(QWidget):
    def __init__(self, bus, flags, **kwargs):
        super().__init__()
        self.refreshed = []
        bus.subscribe(flags, self.refreshed.append, owner=self, **kwargs)


@pytest.fixture
def bus(qtbot):
    return ChangeBus()


def test_view_refreshes_only_when_its_flag_is_in_the_set(bus):
    accounts = FakeView(bus, Change.ACCOUNTS | Change.CONTACTS)
    pipeline = FakeView(bus, Change.PIPELINE)

    bus.changed_data(Change.VISITS | Change.CONTACTS)
    bus.changed_data(Change.JOBS)

    assert accounts.refreshed == [Change.CONTACTS]
    assert pipeline.refreshed == []


def test_services_may_report_changes_by_name(bus):
    view = FakeView(bus, Change.OPPORTUNITIES)
    with pytest.raises(KeyError):
        bus.changed_data({"oportunities"})
    bus.changed_data({"opportunities", "pipeline"})
    assert view.refreshed == [Change.OPPORTUNITIES]
    assert (Change.OPPORTUNITIES | Change.PIPELINE).names() == {"opportunities", "pipeline"}


def test_batch_announces_everything_once(qtbot, bus):
    view = FakeView(bus, Change.ACCOUNTS | Change.VISITS | Change.JOBS)
    emitted = []
    bus.changed.connect(lambda changes, source: emitted.append(changes))
    with bus.batch():
        bus.changed_data(Change.ACCOUNTS)
        with bus.batch():
            bus.changed_data(Change.VISITS)
        bus.changed_data(Change.SYNC)
        assert view.refreshed == []
    assert emitted == [Change.ACCOUNTS | Change.VISITS | Change.SYNC]
    assert view.refreshed == [Change.ACCOUNTS | Change.VISITS]


def test_view_can_skip_refreshing_after_its_own_edit(bus):
    editor = FakeView(bus, Change.ACCOUNTS, skip_own=True)
    bus.changed_data(Change.ACCOUNTS, source=editor)
    assert editor.refreshed == []
    bus.changed_data(Change.ACCOUNTS, source=object())
    assert editor.refreshed == [Change.ACCOUNTS]


def test_batch_with_several_sources_is_not_skipped(bus):
    editor = FakeView(bus, Change.ACCOUNTS, skip_own=True)
    with bus.batch():
        bus.changed_data(Change.ACCOUNTS, source=editor)
        bus.changed_data(Change.ACCOUNTS, source=None)
    assert editor.refreshed == [Change.ACCOUNTS]


def test_destroyed_view_no_longer_receives_changes(bus):
    signal = SIGNAL("changed(PyObject,PyObject)")
    kept = FakeView(bus, Change.ACCOUNTS)
    closed = FakeView(bus, Change.ACCOUNTS)
    calls = closed.refreshed
    assert bus.receivers(signal) == 2
    shiboken6.delete(closed)
    assert bus.receivers(signal) == 1
    bus.changed_data(Change.ACCOUNTS)  # must neither call nor crash
    assert calls == []
    assert kept.refreshed == [Change.ACCOUNTS]
