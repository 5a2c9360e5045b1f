"""Drafts of forms: owner-only files in the per-user data folder, one per ledger and form
(kind and record), telling nothing by their names (issue 13)."""

from __future__ import annotations

import stat

import pytest

from fptui import drafts

VALUES = {"name": "赵铁柱", "id_number": "11010519491231002X"}


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    return tmp_path / "data-home"


def test_a_draft_is_kept_owner_only_and_comes_back_for_its_form_and_ledger(data_home):
    path = drafts.keep("/v/ledger.db", "person:new:3", VALUES)
    assert path.parent == data_home / "fptui" / "drafts"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "person" not in path.name and "赵" not in path.name and "ledger" not in path.name
    assert drafts.load("/v/ledger.db", "person:new:3") == VALUES
    assert drafts.load("/v/ledger.db", "person:new:4") is None  # another household
    assert drafts.load("/w/ledger.db", "person:new:3") is None  # another ledger
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_saving_again_replaces_and_dropping_deletes(data_home):
    drafts.keep("/v/ledger.db", "person:12", VALUES)
    drafts.keep("/v/ledger.db", "person:12", {"name": "赵"})
    assert drafts.load("/v/ledger.db", "person:12") == {"name": "赵"}
    drafts.drop("/v/ledger.db", "person:12")
    assert drafts.load("/v/ledger.db", "person:12") is None
    drafts.drop("/v/ledger.db", "person:12")  # none left: nothing happens


def test_an_unreadable_draft_is_no_draft(data_home):
    path = drafts.keep("/v/ledger.db", "person:12", VALUES)
    path.write_text("{not json")
    assert drafts.load("/v/ledger.db", "person:12") is None
