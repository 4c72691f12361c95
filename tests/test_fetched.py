"""The record of a passed page check is reused only while every file it fetched is unchanged."""

from __future__ import annotations

import json

import pytest
from fetched import CACHED, SEARCH_INDEX, PageChecks

URL = "http://127.0.0.1:8000"


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "site"
    (site / "page").mkdir(parents=True)
    (site / "page" / "index.html").write_text("<p>one</p>")
    (site / "style.css").write_text("p {}")
    (site / "search").mkdir()
    index = {"config": {"lang": ["en"]}, "docs": [{"location": "page/", "title": "Page", "text": "one"}]}
    (site / SEARCH_INDEX).write_text(json.dumps(index))
    return site


@pytest.fixture
def checks(site, tmp_path):
    return PageChecks(site, URL, "salt", records=tmp_path / "records")


def passed_then_unchanged(checks, request, urls) -> bool:
    checks.passed(request.node, {URL + url for url in urls})
    return checks.unchanged(request.node)


def test_unchanged_files_reuse_the_pass_and_say_so(checks, request):
    assert not checks.unchanged(request.node), "nothing recorded yet"
    assert passed_then_unchanged(checks, request, ["/page/", "/style.css"])
    assert CACHED in request.node.user_properties


@pytest.mark.parametrize("change", ["page/index.html", "style.css"])
def test_a_changed_or_deleted_file_runs_the_check_again(checks, request, site, change):
    checks.passed(request.node, {URL + "/page/", URL + "/style.css"})
    (site / change).write_text("changed")
    assert not checks.unchanged(request.node)
    checks.passed(request.node, {URL + "/page/", URL + "/style.css"})
    (site / change).unlink()
    assert not checks.unchanged(request.node)


def test_the_search_index_counts_without_its_text(checks, request, site):
    checks.passed(request.node, {URL + "/page/", URL + "/" + SEARCH_INDEX})
    index = json.loads((site / SEARCH_INDEX).read_text())
    index["docs"][0]["text"] = "edited prose"
    (site / SEARCH_INDEX).write_text(json.dumps(index))
    assert checks.unchanged(request.node)
    index["docs"][0]["title"] = "Renamed"
    (site / SEARCH_INDEX).write_text(json.dumps(index))
    assert not checks.unchanged(request.node)
    (site / SEARCH_INDEX).write_text("{not json")
    assert not checks.unchanged(request.node)


def test_a_check_that_fetched_off_the_site_is_not_recorded(checks, request):
    checks.passed(request.node, {URL + "/page/", "https://cdn.example.com/x.js"})
    assert not checks.unchanged(request.node)


def test_fresh_runs_every_check(site, checks, request):
    checks.passed(request.node, {URL + "/page/"})
    fresh = PageChecks(site, URL, "salt", records=checks.folder.parent, fresh=True)
    assert checks.unchanged(request.node) and not fresh.unchanged(request.node)


def test_records_of_other_salts_are_dropped(site, checks, request):
    checks.passed(request.node, {URL + "/page/"})
    PageChecks(site, URL, "new salt", records=checks.folder.parent)
    assert not checks.unchanged(request.node) and not checks.folder.exists()
