"""The ERP worker when things go wrong: the ERP down, the worker killed mid-call."""

from __future__ import annotations

import signal

import pytest
from sqlalchemy import select

from fieldcrm.server.db import Database
from fieldcrm.server.erp.tables import ErpJob
from tests.erp.test_orders_harness import (erp_setup, keyring_env, running_erp_setup,  # noqa: F401
                                           stop_process, wait_until)
from tests.support.postgres import pg_database, require_postgres

pytestmark = pytest.mark.erp


def _job(db_url: str, order_id: str) -> ErpJob:
    db = Database(db_url, pool_size=1)
    try:
        with db.read() as session:
            return session.execute(select(ErpJob).where(ErpJob.row_id == order_id)).scalar_one()
    finally:
        db.dispose()


def test_an_order_waits_while_the_erp_is_down_and_goes_through_once_it_is_back(erp_setup):
    s, laptop = erp_setup, erp_setup.laptop
    order = laptop.place_order(s.account_id("CUST-0004"), s.rep, [(s.product_id("FC-0005"), "2", "30.00")])
    s.trytond.stop()
    laptop.sync()
    worker = s.worker()
    try:
        wait_until(lambda: _job(s.db_url, order).attempts >= 1 and _job(s.db_url, order).state == "queued",
                   60, "the worker to try the order and queue it again")
        laptop.sync()
        waiting = laptop.get("sales_order", order)
        assert waiting["status"] == "submitted" and waiting["erp_state"] == "waiting"
        assert waiting["erp_number"] is None and waiting["rejection_reason"] is None
        status = s.status()
        assert status["queue"]["queued"] == 1 and "ERP" in (status["last_error"] or "")

        s.trytond.start()
        wait_until(lambda: _job(s.db_url, order).state == "done", 90, "the order to go through")
    finally:
        stop_process(worker)
    laptop.sync()
    answer = laptop.get("sales_order", order)
    sale, = s.sales_with_reference(order)
    assert answer["status"] == "confirmed" and answer["erp_number"] == sale["number"]
    assert s.status()["queue"]["queued"] == 0


def _kill_mid_call(s) -> None:
    laptop = s.laptop
    order = laptop.place_order(s.account_id("CUST-0005"), s.rep, [(s.product_id("FC-0006"), "1", "40.00")])
    laptop.sync()
    crashed = s.worker("--exit-when-idle", kill_after_submit=True)
    assert crashed.wait(120) == -signal.SIGKILL
    # Tryton created and confirmed the sale; the server never heard back.
    sale, = s.sales_with_reference(order)
    assert sale["state"] == "processing"
    assert _job(s.db_url, order).state == "running"
    laptop.sync()
    assert laptop.get("sales_order", order)["erp_number"] is None

    s.send_orders()  # a new worker takes the dead one's job and sends it again
    assert _job(s.db_url, order).state == "done"
    assert s.sales_with_reference(order) == [sale]  # exactly one ERP order
    laptop.sync()
    answer = laptop.get("sales_order", order)
    assert answer["status"] == "confirmed" and answer["erp_number"] == sale["number"]


def test_a_worker_killed_between_the_erp_answer_and_the_write_back_never_doubles_the_order(erp_setup):
    _kill_mid_call(erp_setup)


@pytest.mark.postgres
def test_a_killed_worker_on_a_postgresql_server_never_doubles_the_order(tryton_server, tmp_path, keyring_env):
    require_postgres()
    with pg_database() as url, running_erp_setup(tryton_server, tmp_path, keyring_env, url) as setup:
        _kill_mid_call(setup)
