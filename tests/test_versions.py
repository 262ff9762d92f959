"""One version everywhere: CITATION.cff, the newest CHANGELOG entry, pyproject.toml and adamcode."""
import re

import yaml

import adamcode
from bookfiles import ROOT

CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
ENTRY = re.compile(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", re.M)


def newest_entry() -> tuple[str, str]:
    entries = ENTRY.findall(CHANGELOG)
    assert entries, "CHANGELOG.md has no '## X.Y.Z — YYYY-MM-DD' entry"
    return entries[0]


def test_changelog_entries_are_newest_first_and_dated():
    entries = ENTRY.findall(CHANGELOG)
    versions = [tuple(int(x) for x in v.split(".")) for v, _ in entries]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    dates = [d for _, d in entries]
    assert dates == sorted(dates, reverse=True)


def test_citation_matches_the_newest_changelog_entry():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version, date = newest_entry()
    assert str(cff["version"]) == version
    assert str(cff["date-released"]) == date


def test_package_version_is_the_book_version():
    version, _ = newest_entry()
    assert adamcode.__version__ == version
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'^version = "{re.escape(version)}"$', pyproject, re.M)
