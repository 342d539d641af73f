"""`fieldcrm app` / `fieldcrm demo` on the command line, and the offline demo replica."""

from fieldcrm.cli.main import build_parser
from fieldcrm.demo import run as demo
from fieldcrm.services.records import RecordService
from fieldcrm.storage.replica import Replica


def test_the_cli_offers_app_and_demo(tmp_path):
    parser = build_parser()
    args = parser.parse_args(["--profile", str(tmp_path), "app"])
    assert args.handler.__name__ == "_app" and args.profile == tmp_path
    args = parser.parse_args(["demo", "--offline", "--folder", str(tmp_path)])
    assert args.handler.__name__ == "_demo" and args.offline and args.folder == tmp_path


def test_offline_demo_replica_has_a_company_and_a_signed_in_rep(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_ACCOUNTS", 20)
    demo.offline_replica(tmp_path)
    replica = Replica.open(tmp_path)
    try:
        records = RecordService(replica)
        assert records.count("account") == 20
        me = records.get("user", replica.get_state("user_id"))
        assert me["username"] == demo.DEMO_USER
        demo.offline_replica(tmp_path)  # a second start keeps what is there
        assert records.count("account") == 20
    finally:
        replica.close()
