"""Files on a service job, from the job's form: attach offline, sync, open on another laptop."""

import os

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from fieldcrm.services.records import RecordService
from fieldcrm.sync.wire import MAX_BLOB_BYTES
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage

from fieldcrm.services.status import replica_status
from test_app_support import answer_next_question, demo_replica, window  # noqa: F401  (fixtures)
from test_app_sync import close_window, open_window, round_, server, sign_in  # noqa: F401  (fixture)


class OpenedFiles(QObject):
    """Receives the file URLs the app asks the desktop to open (Qt's own hook
    for a URL scheme), instead of starting an image viewer on the test machine."""

    def __init__(self):
        super().__init__()
        self.urls = []

    @Slot(QUrl)
    def open(self, url):
        self.urls.append(url)


def job_form(qtbot, win, job_id):
    win.ctx.navigator.edit_record.emit("service_job", job_id)
    form = win.opener.forms[-1]
    qtbot.waitExposed(form)
    panel = form.attachments
    qtbot.waitUntil(lambda: panel.loaded and form.isEnabled(), timeout=5000)  # the job is read
    return form, panel


def where(panel, name):
    row = panel.names().index(name)
    return panel.table.item(row, 2).text()


def choose(monkeypatch, path):
    # The desktop's file dialog is native and modal: the test answers it.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_a_technician_attaches_photos_offline_and_a_manager_opens_them_after_sync(
        qtbot, tmp_path, server, monkeypatch):  # noqa: F811
    srv, org = server
    job = org.jobs["north_a"]
    tech = open_window(qtbot, tmp_path / "tech", debounce=600, first_retry=600, max_retry=600)
    manager = open_window(qtbot, tmp_path / "manager", debounce=600, first_retry=600, max_retry=600)
    opened = OpenedFiles()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        sign_in(qtbot, tech, srv, org, "tech1")
        sign_in(qtbot, manager, srv, org, "manager1")
        srv.stop()

        # Offline on the technician's laptop: two photos, one too large, one removed again.
        form, panel = job_form(qtbot, tech, job)
        assert panel.names() == []
        photo = tmp_path / "pump-before.jpg"
        photo.write_bytes(os.urandom(300_000))
        choose(monkeypatch, photo)
        panel.attach_button.click()
        qtbot.waitUntil(lambda: panel.names() == ["pump-before.jpg"], timeout=5000)
        assert where(panel, "pump-before.jpg") == "on this laptop"
        assert "sent with the next sync" in panel.message.text()
        bar = tech.statusBar()
        qtbot.waitUntil(lambda: bar.pending_count == 1, timeout=5000)

        huge = tmp_path / "video.mp4"
        with open(huge, "wb") as f:
            f.truncate(MAX_BLOB_BYTES + 1)
        choose(monkeypatch, huge)
        panel.attach_button.click()
        qtbot.waitUntil(lambda: "at most 25 MB" in panel.message.text(), timeout=5000)
        assert panel.message.isVisible() and panel.names() == ["pump-before.jpg"]

        wrong = tmp_path / "wrong-job.jpg"
        wrong.write_bytes(b"not this job")
        panel.attach(str(wrong))
        qtbot.waitUntil(lambda: len(panel.names()) == 2, timeout=5000)
        panel.table.selectRow(panel.names().index("wrong-job.jpg"))
        seen = []
        answer_next_question(qtbot, QMessageBox.StandardButton.Yes, seen)
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: panel.names() == ["pump-before.jpg"], timeout=5000)
        assert "wrong-job.jpg" in seen[0]

        # Opening a file that is here needs no server (Enter on the list, as a double-click).
        panel.table.selectRow(0)
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(opened.urls) == 1, timeout=5000)
        # Under its own name: the desktop picks a viewer by the extension.
        assert opened.urls[0].fileName() == "pump-before.jpg"
        assert open(opened.urls[0].toLocalFile(), "rb").read() == photo.read_bytes()

        srv.restart()
        summary = round_(qtbot, tech)
        assert summary.ok, summary.error
        qtbot.waitUntil(lambda: bar.pending_count == 0, timeout=5000)
        form.done(0)

        # The manager's laptop gets the row with the next round, the content on demand.
        assert round_(qtbot, manager).ok
        form, panel = job_form(qtbot, manager, job)
        assert panel.names() == ["pump-before.jpg"]
        assert where(panel, "pump-before.jpg") == "on the server"

        srv.stop()
        panel.table.selectRow(0)
        before = len(opened.urls)
        panel.open_button.click()
        qtbot.waitUntil(lambda: "could not be downloaded" in panel.message.text(), timeout=30_000)
        assert len(opened.urls) == before

        srv.restart()
        panel.open_button.click()
        qtbot.waitUntil(lambda: len(opened.urls) == before + 1, timeout=30_000)
        assert opened.urls[-1].fileName() == "pump-before.jpg"
        assert open(opened.urls[-1].toLocalFile(), "rb").read() == photo.read_bytes()
        qtbot.waitUntil(lambda: where(panel, "pump-before.jpg") == "on this laptop", timeout=5000)
        assert not panel.message.isVisible()
        records = RecordService(manager.ctx.replica)
        assert [a["name"] for a in records.list("attachment")] == ["pump-before.jpg"]
        form.done(0)
    finally:
        QDesktopServices.unsetUrlHandler("file")
        close_window(tech)
        close_window(manager)


def test_the_customer_signs_the_job_on_the_laptop_offline(qtbot, window, demo_replica):  # noqa: F811
    records = RecordService(demo_replica)
    job = records.list("service_job")[0]
    form, panel = job_form(qtbot, window, job["id"])
    dialog = panel.ask_signature()
    qtbot.waitExposed(dialog)
    assert not dialog.save_button.isEnabled()  # nobody has signed yet

    qtbot.keyClicks(dialog.signer, "Hank Scorpio")
    assert not dialog.save_button.isEnabled()  # a name without a signature is not enough
    pad = dialog.pad
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 100))
    for x in range(50, 300, 10):
        qtbot.mouseMove(pad, QPoint(x, 100 + (x % 40) - 20))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 90))
    assert dialog.save_button.isEnabled()
    dialog.clear_button.click()  # a false start
    assert pad.is_empty() and not dialog.save_button.isEnabled()
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(60, 80))
    for x in range(70, 360, 10):
        qtbot.mouseMove(pad, QPoint(x, 80 + (x % 30)))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(360, 90))
    pending_before = replica_status(demo_replica)["pending"]

    with qtbot.waitSignal(dialog.signed, timeout=5000) as signed:
        qtbot.keyClick(dialog.signer, Qt.Key.Key_Return)
    row = signed.args[0]
    assert records.get("service_job", job["id"])["signature_attachment_id"] == row["id"]
    assert row["mime"] == "image/png" and row["name"].startswith("Signature Hank Scorpio ")
    qtbot.waitUntil(lambda: len(panel.names()) == 1, timeout=5000)
    assert "the customer's signature" in panel.table.item(0, 0).text()
    assert "sent with the next sync" in panel.message.text()
    assert replica_status(demo_replica)["pending"] == pending_before + 2  # the file's row and the job

    # The image holds the strokes: ink along the line that was drawn, white elsewhere.
    image = QImage()
    assert image.loadFromData(open(panel.rows[0]["path"], "rb").read(), "PNG")
    inked = [image.pixelColor(x, y).lightness() < 128 for x in range(70, 350, 5) for y in range(75, 115)]
    assert any(inked)
    assert image.pixelColor(400, 20).lightness() > 240
    form.done(0)


def test_the_account_page_lists_the_files_of_the_account_its_jobs_and_visits(
        qtbot, window, demo_replica, tmp_path, monkeypatch):  # noqa: F811
    from fieldcrm.services.attachments import AttachmentService
    from test_app_support import ACME_ID

    records = RecordService(demo_replica)
    job = records.create("service_job", {"account_id": ACME_ID, "title": "Replace the pump seal"})
    photo = tmp_path / "seal-before.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo of the seal")
    contract = tmp_path / "service-contract.pdf"
    contract.write_bytes(b"%PDF-1.4 the contract")
    files = AttachmentService(demo_replica)
    files.attach("service_job", job["id"], photo)
    files.attach("account", ACME_ID, contract)
    # A file another laptop attached: its row came with a sync, its content is still on the server.
    records.create("attachment", {"sha256": "ab" * 32, "name": "site-plan.png", "mime": "image/png",
                                  "size": 2048, "account_id": ACME_ID})
    opened = OpenedFiles()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        window.ctx.navigator.open_record.emit("account", ACME_ID)
        page = window.stack.currentWidget()
        section = page.files
        qtbot.waitUntil(lambda: len(section.names()) == 3, timeout=5000)
        titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
        assert titles[-1] == "Files (3)"
        table = section.table
        shown = {table.topLevelItem(i).text(0): (table.topLevelItem(i).text(1), table.topLevelItem(i).text(3))
                 for i in range(3)}
        assert shown == {
            "seal-before.jpg": ("Service job: Replace the pump seal", "on this laptop"),
            "service-contract.pdf": ("Account", "on this laptop"),
            "site-plan.png": ("Account", "on the server"),
        }
        page.tabs.setCurrentWidget(section)
        row = section.names().index("seal-before.jpg")
        table.setCurrentItem(table.topLevelItem(row))
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Return)  # opens the file, not the job
        qtbot.waitUntil(lambda: len(opened.urls) == 1, timeout=5000)
        assert opened.urls[0].fileName() == "seal-before.jpg"
        assert open(opened.urls[0].toLocalFile(), "rb").read() == photo.read_bytes()
        assert not window.opener.forms

        # Not signed in: the file only the server has cannot be fetched, and the page says why.
        row = section.names().index("site-plan.png")
        table.setCurrentItem(table.topLevelItem(row))
        qtbot.keyClick(table, Qt.Key.Key_Return)
        qtbot.waitUntil(section.message.isVisible, timeout=5000)
        assert section.message.text() == "site-plan.png is on the server. Sign in to download it."
        assert len(opened.urls) == 1

        # A file attached from the job's form shows up on the account page.
        form, panel = job_form(qtbot, window, job["id"])
        note = tmp_path / "readings.txt"
        note.write_text("pressure 4.2 bar")
        panel.attach(str(note))
        qtbot.waitUntil(lambda: "readings.txt" in section.names(), timeout=5000)
        form.done(0)

        # And one attached on the account page goes on the account, queued like any edit.
        pending_before = replica_status(demo_replica)["pending"]
        minutes = tmp_path / "meeting-minutes.docx"
        minutes.write_bytes(b"PK minutes of the meeting")
        choose(monkeypatch, minutes)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Attach file…
        qtbot.waitUntil(lambda: "meeting-minutes.docx" in section.names(), timeout=5000)
        row = section.names().index("meeting-minutes.docx")
        assert (table.topLevelItem(row).text(1), table.topLevelItem(row).text(3)) == ("Account", "on this laptop")
        assert "sent with the next sync" in section.message.text()
        assert [a["name"] for a in files.list_for("account", ACME_ID)] == [
            "meeting-minutes.docx", "service-contract.pdf", "site-plan.png"]
        assert replica_status(demo_replica)["pending"] == pending_before + 1
    finally:
        QDesktopServices.unsetUrlHandler("file")
