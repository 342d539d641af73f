"""The main window's actions, declared once with their texts and shortcuts.

Menus, tool bars and buttons all use these objects, so a shortcut or a text
is changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass
class Actions:
    new_record: QAction
    find: QAction
    undo: QAction
    back: QAction
    log_call: QAction
    log_visit: QAction
    log_note: QAction
    sync: QAction
    sync_center: QAction
    sign_in: QAction
    quit: QAction

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]


def build_actions(window: QWidget) -> Actions:
    tr = window.tr

    def action(text: str, shortcut=None, tip: str = "", name: str = "") -> QAction:
        act = QAction(text, window)
        act.setObjectName(name)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
        window.addAction(act)
        return act

    actions = Actions(
        new_record=action(tr("&New…"), QKeySequence.StandardKey.New,
                          tr("Create a record of the kind on screen"), "new-record"),
        find=action(tr("&Search…"), "Ctrl+K", tr("Search every record"), "find"),
        undo=action(tr("&Undo"), QKeySequence.StandardKey.Undo, tr("Undo the last edit"), "undo"),
        back=action(tr("&Back"), QKeySequence.StandardKey.Back, tr("Back to the previous page"), "back"),
        log_call=action(tr("Log a &call…"), "Ctrl+Shift+C", tr("Log a phone call"), "log-call"),
        log_visit=action(tr("Log a &visit…"), "Ctrl+Shift+V", tr("Log a visit"), "log-visit"),
        log_note=action(tr("Add a &note…"), "Ctrl+Shift+N", tr("Add a note"), "log-note"),
        sync=action(tr("S&ync now"), "F5", tr("Send your changes and fetch the latest"), "sync"),
        sync_center=action(tr("Sync &center"), "Ctrl+Shift+S",
                           tr("Pending changes, rejections and conflicts"), "sync-center"),
        sign_in=action(tr("Sign &in…"), None, tr("Sign in to the server"), "sign-in"),
        quit=action(tr("&Quit"), QKeySequence.StandardKey.Quit, tr("Close fieldcrm"), "quit"),
    )
    actions.undo.setEnabled(False)
    return actions
