"""`fieldcrm attach` and `fieldcrm attachment get` as IT and power users run them: a real process each time."""

import hashlib
import json

import pytest

from tests.sync.laptops import fieldcrm


@pytest.fixture
def run(tmp_path):
    def _run(*args, ok=True):
        proc = fieldcrm(tmp_path / "profile", {}, *args)
        assert proc.returncode == 0 or not ok, proc.stderr
        return proc
    return _run


@pytest.fixture
def job_id(run):
    account_id = run("records", "create", "account", "name=Acme Pumps").stdout.strip()
    return run("records", "create", "service_job", f"account_id={account_id}", "title=Repair the pump").stdout.strip()


def test_attach_a_file_to_a_job_and_get_it_back(run, job_id, tmp_path):
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the pump " * 500)

    attachment_id = run("attach", "service_job", job_id, str(photo), "--name", "Pump before repair.jpg").stdout.strip()

    row = json.loads(run("records", "get", "attachment", attachment_id, "--json").stdout)
    assert (row["name"], row["mime"], row["size"], row["job_id"]) == (
        "Pump before repair.jpg", "image/jpeg", photo.stat().st_size, job_id)
    assert row["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert json.loads(run("status", "--json").stdout)["pending"] == 3  # account, job, attachment

    out = tmp_path / "copy.jpg"
    assert run("attachment", "get", attachment_id, "--out", str(out)).stdout.strip() == str(out)
    assert out.read_bytes() == photo.read_bytes()
    folder = tmp_path / "downloads"
    folder.mkdir()
    run("attachment", "get", attachment_id, "--out", str(folder))
    assert (folder / "Pump before repair.jpg").read_bytes() == photo.read_bytes()


def test_refused_attachments_say_why_in_one_line_and_queue_nothing(run, job_id, tmp_path):
    big = tmp_path / "site-video.mp4"
    with open(big, "wb") as f:
        f.truncate(30 * 1024 * 1024)
    small = tmp_path / "note.txt"
    small.write_text("hello")
    cases = [
        (["attach", "service_job", job_id, str(big)], "site-video.mp4 is 30.0 MB; one attachment can be at most 25 MB"),
        (["attach", "service_job", job_id, str(tmp_path / "missing.jpg")], "missing.jpg is not a file that can be read"),
        (["attach", "service_job", "no-such-job", str(small)], "no service_job with id no-such-job"),
        (["attach", "contact", job_id, str(small)], "files can be attached to service_job, account or visit records"),
        (["attachment", "get", "no-such-attachment", "--out", str(tmp_path / "x")], "no attachment with id no-such-attachment"),
    ]
    for args, message in cases:
        proc = run(*args, ok=False)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode != 0 and len(lines) == 1 and message in lines[0], (args, proc.stderr)
    assert json.loads(run("status", "--json").stdout)["pending"] == 2
    assert json.loads(run("records", "list", "attachment", "--json").stdout) == []
    assert [p for p in (tmp_path / "profile").rglob("*") if p.is_file() and "blobs" in p.parts] == []


def test_getting_a_file_that_is_not_here_without_a_sign_in_says_what_to_do(run, job_id, tmp_path):
    sha = hashlib.sha256(b"a photo another laptop took").hexdigest()
    attachment_id = run("records", "create", "attachment", f"sha256={sha}", "name=pump.jpg", "size=27",
                        f"job_id={job_id}").stdout.strip()
    proc = run("attachment", "get", attachment_id, "--out", str(tmp_path / "pump.jpg"), ok=False)
    assert proc.returncode == 4
    assert "not on this laptop" in proc.stderr and "fieldcrm login" in proc.stderr
    assert not (tmp_path / "pump.jpg").exists()
