"""The API reference pages: both languages, same structure, every public name documented once."""
import pathlib
import re

import yaml

import adamcode

ROOT = pathlib.Path(__file__).resolve().parents[1]
EN = (ROOT / "book" / "en" / "api.md").read_text(encoding="utf-8")
ZH = (ROOT / "book" / "zh" / "api.md").read_text(encoding="utf-8")
DIRECTIVE = re.compile(r"^\.\. (auto\w+):: (\S+)", re.M)


def test_pages_link_to_each_other_first():
    assert EN.splitlines()[0] == "[阅读中文版 →](../zh/api.md)"
    assert ZH.splitlines()[0] == "[Read in English →](../en/api.md)"


def test_same_structure_and_directives_in_both_languages():
    assert DIRECTIVE.findall(EN) == DIRECTIVE.findall(ZH)
    assert len(re.findall(r"^#+ ", EN, re.M)) == len(re.findall(r"^#+ ", ZH, re.M))
    # the Chinese page must not index the objects a second time (duplicate object descriptions)
    assert ZH.count(":no-index:") == len(DIRECTIVE.findall(ZH))
    assert ":no-index:" not in EN
    for term in ("优化器", "学习率", "权重衰减", "一阶矩估计", "偏差修正", "超参数"):
        assert term in ZH


def test_every_optimizer_and_state_is_documented():
    documented = {target for _, target in DIRECTIVE.findall(EN)}
    public = {f"adamcode.{name}" for name in adamcode.__all__
              if name not in ("datasets", "problems", "symbolic")}
    assert public <= documented
    assert {"adamcode.symbolic", "adamcode.problems", "adamcode.datasets"} <= documented


def test_api_pages_are_the_last_chapter_of_each_language_part():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    en, zh = ([c["file"] for c in part["chapters"]] for part in toc["parts"] if part.get("numbered"))
    assert en[-1] == "book/en/api" and "book/en/adam" in en
    assert zh[-1] == "book/zh/api" and "book/zh/adam" in zh
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert {"sphinx.ext.autodoc", "sphinx.ext.napoleon"} <= set(config["sphinx"]["extra_extensions"])


def test_every_public_module_is_on_the_api_pages():
    """Each module of the package whose name does not start with _ is documented."""
    modules = {f"adamcode.{p.stem}" for p in (ROOT / "adamcode").glob("*.py") if not p.stem.startswith("_")}
    modules |= {f"adamcode.chapters.{p.stem}" for p in (ROOT / "adamcode" / "chapters").glob("*.py")
                if not p.stem.startswith("_")} | {"adamcode.chapters"}
    documented = {target for _, target in DIRECTIVE.findall(EN)}
    # a module is documented by automodule, or (for the optimizers) through a documented class it defines
    documented |= {getattr(adamcode, name).__module__ for name in adamcode.__all__
                   if f"adamcode.{name}" in documented and hasattr(getattr(adamcode, name), "__module__")}
    missing = modules - documented
    assert missing == set()
