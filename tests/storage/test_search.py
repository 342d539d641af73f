"""Full-text search finds what a person types, and follows edits."""


def test_finds_accounts_and_contacts_by_name_city_phone_email(records):
    a = records.create("account", {"name": "Müller Pumpen GmbH", "city": "Düsseldorf", "phone": "+49 211 555"})
    c = records.create("contact", {"account_id": a["id"], "first_name": "Lena", "last_name": "Schulz",
                                   "email": "lena.schulz@mueller.example"})
    assert [(h.entity, h.id) for h in records.search("muller")] == [("account", a["id"])]
    assert [(h.entity, h.id) for h in records.search("dussel")] == [("account", a["id"])]
    assert [(h.entity, h.id) for h in records.search("211")] == [("account", a["id"])]
    assert [(h.entity, h.id) for h in records.search("lena schu")] == [("contact", c["id"])]
    assert [h.title for h in records.search("schulz")] == ["Lena Schulz"]


def test_search_follows_updates_and_deletes(records):
    a = records.create("account", {"name": "Northwind"})
    records.update("account", a["id"], {"name": "Southwind"})
    assert records.search("northwind") == []
    assert [h.id for h in records.search("southw")] == [a["id"]]
    records.delete("account", a["id"])
    assert records.search("southwind") == []


def test_odd_input_is_not_an_error(records):
    records.create("account", {"name": "Acme"})
    for text in ['"', "AND OR NOT", "acme*", "(", "", "   ", "NEAR(a b)"]:
        records.search(text)  # never raises
    assert [h.title for h in records.search("acme*")] == ["Acme"]


def test_one_letter_words_do_not_flood_the_results(records):
    a = records.create("account", {"name": "Smith Fabrication", "city": "San Francisco"})
    records.create("account", {"name": "Other Works", "city": "Seattle"})
    assert records.search("S") == []  # too short to mean anything yet
    assert [h.id for h in records.search("J Smi")] == [a["id"]]
    cjk = records.create("account", {"name": "精芯科技有限公司"})
    assert [h.id for h in records.search("精")] == [cjk["id"]]
