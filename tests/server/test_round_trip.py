"""The thin slice a laptop relies on: sign in, push a change, pull it back."""

from __future__ import annotations

import uuid

from tests.support.pages import cursors_of, rows_of
from tests.support.server import login


def test_a_created_account_comes_back_on_the_next_pull(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    first = rep.pull().json()
    assert first["has_more"] is False
    assert set(rows_of(first, "account")) == {org.accounts["north_a"], org.accounts["north_b"]}

    account_id = str(uuid.uuid4())
    result = rep.push([{
        "mutation_id": str(uuid.uuid4()), "seq": 1, "entity": "account", "row_id": account_id, "op": "create",
        "changes": {"name": "Harbour Tools", "territory_id": org.territories["NORTH"],
                    "owner_id": org.users["rep_north"], "credit_limit": None},
    }]).json()["results"][0]
    # credit_limit is the ERP's: even a null from the laptop is refused.
    assert result["status"] == "rejected" and "credit_limit" in result["message"]

    result = rep.push([{
        "mutation_id": str(uuid.uuid4()), "seq": 2, "entity": "account", "row_id": account_id, "op": "create",
        "changes": {"name": "Harbour Tools", "territory_id": org.territories["NORTH"],
                    "owner_id": org.users["rep_north"]},
    }]).json()["results"][0]
    assert result["status"] == "applied" and result["version"] == 1

    second = rep.pull(cursors_of(first)).json()
    pulled = rows_of(second, "account")
    assert list(pulled) == [account_id]
    row = pulled[account_id]
    assert row["name"] == "Harbour Tools" and row["version"] == 1
    assert row["updated_by"] == org.users["rep_north"] and row["erp_blocked"] is False

    # The other territory's rep never sees it.
    south = login(server.url, "rep_south", org.passwords["rep_south"])
    assert account_id not in rows_of(south.pull().json(), "account")
