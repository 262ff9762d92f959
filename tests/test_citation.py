"""CITATION.cff is valid Citation File Format 1.2.0 and agrees with _config.yml."""
import json
import re

import jsonschema
import yaml

from bookfiles import ROOT

CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
SCHEMA = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text(encoding="utf-8"))


def test_citation_file_validates_against_the_cff_schema():
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(CFF), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_the_schema_rejects_a_broken_citation_file():
    broken = dict(CFF, authors=[], **{"cff-version": "1.2.0", "license": "not-a-licence"})
    assert not jsonschema.Draft7Validator(SCHEMA).is_valid(broken)


def test_citation_file_agrees_with_the_book_configuration():
    assert CFF["title"] == CONFIG["title"]
    assert CFF["repository-code"] == CONFIG["repository"]["url"]
    assert CFF["preferred-citation"]["repository-code"] == CONFIG["repository"]["url"]
    assert CFF["url"] == CFF["preferred-citation"]["url"] == CONFIG["html"]["baseurl"]
    assert CFF["authors"][0]["name"] == CONFIG["author"]
    assert str(CFF["preferred-citation"]["year"]) == re.search(r"\d{4}", str(CONFIG["copyright"])).group(0)


def test_the_public_address_is_written_in_one_place():
    """Pages and extensions read the repository's address from _config.yml; no other copy."""
    url = CONFIG["repository"]["url"]
    copies = [str(p.relative_to(ROOT)) for p in ROOT.glob("book/**/*")
              if p.suffix in (".md", ".ipynb", ".py") and url in p.read_text(encoding="utf-8")]
    assert copies == []
