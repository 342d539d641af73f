"""The copy a desktop program opens: under the file's own name, inside the profile, whatever the name says."""

from fieldcrm.services.attachments import AttachmentService
from fieldcrm.services.records import RecordService
from fieldcrm.storage.replica import Replica


def test_an_attachment_opens_from_a_copy_named_after_it_and_a_hostile_name_stays_inside(tmp_path):
    replica = Replica.open(tmp_path / "profile")
    try:
        records = RecordService(replica)
        account = records.create("account", {"name": "Acme Pumps"})
        job = records.create("service_job", {"account_id": account["id"], "title": "Repair the pump"})
        photo = tmp_path / "IMG_0042.jpg"
        photo.write_bytes(b"\xff\xd8 the pump " * 100)
        service = AttachmentService(replica)

        plain = service.attach("service_job", job["id"], photo, name="Pump before.jpg")
        copy = service.named_copy(plain["id"])
        assert copy.name == "Pump before.jpg" and copy.read_bytes() == photo.read_bytes()
        assert service.named_copy(plain["id"]) == copy  # made once, found again

        # A name that came over the network may try to leave the folder.
        hostile = service.attach("service_job", job["id"], photo, name="../../../outside.jpg")
        copy = service.named_copy(hostile["id"])
        profile = (tmp_path / "profile").resolve()
        assert copy.resolve().is_relative_to(profile) and copy.name == "outside.jpg"
        assert not (tmp_path / "outside.jpg").exists()
        for name, expected in (("..", "file"), ("C:\\Users\\x\\a.png", "a.png"), ("con:tract?.pdf", "con_tract_.pdf")):
            row = records.update("attachment", hostile["id"], {"name": name})
            assert service.named_copy(row["id"]).name == expected
    finally:
        replica.close()
