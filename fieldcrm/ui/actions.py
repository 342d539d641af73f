"""The main window's actions, declared once with their texts and shortcuts.

Menus, tool bars and buttons all use these objects, so a shortcut or a text
is changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QCoreApplication
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
    preferences: QAction
    quit: QAction

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]


translate = QCoreApplication.translate


def build_actions(window: QWidget) -> Actions:
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
        new_record=action(translate("Actions", "&New…"), QKeySequence.StandardKey.New,
                          translate("Actions", "Create a record of the kind on screen"), "new-record"),
        find=action(translate("Actions", "&Search…"), "Ctrl+K",
                    translate("Actions", "Search every record"), "find"),
        undo=action(translate("Actions", "&Undo"), QKeySequence.StandardKey.Undo,
                    translate("Actions", "Undo the last edit"), "undo"),
        back=action(translate("Actions", "&Back"), QKeySequence.StandardKey.Back,
                    translate("Actions", "Back to the previous page"), "back"),
        log_call=action(translate("Actions", "Log a &call…"), "Ctrl+Shift+C",
                        translate("Actions", "Log a phone call"), "log-call"),
        log_visit=action(translate("Actions", "Log a &visit…"), "Ctrl+Shift+V",
                         translate("Actions", "Log a visit"), "log-visit"),
        log_note=action(translate("Actions", "Add a &note…"), "Ctrl+Shift+N",
                        translate("Actions", "Add a note"), "log-note"),
        sync=action(translate("Actions", "S&ync now"), "F5",
                    translate("Actions", "Send your changes and fetch the latest"), "sync"),
        sync_center=action(translate("Actions", "Sync &center"), "Ctrl+Shift+S",
                           translate("Actions", "Pending changes, rejections and conflicts"), "sync-center"),
        sign_in=action(translate("Actions", "Sign &in…"), None,
                       translate("Actions", "Sign in to the server"), "sign-in"),
        preferences=action(translate("Actions", "&Preferences…"), "Ctrl+,",
                           translate("Actions", "Language, when to sync, your working day"), "preferences"),
        quit=action(translate("Actions", "&Quit"), QKeySequence.StandardKey.Quit,
                    translate("Actions", "Close fieldcrm"), "quit"),
    )
    actions.undo.setEnabled(False)
    return actions
