"""How the whole suite runs (this file sits at the repository root so that it applies to any
path given to pytest, e.g. ``pytest book/en/adam.ipynb``).

- Every notebook that nbval checks runs in a kernel whose working directory is a fresh, empty
  temporary folder, so a notebook that reads a file beside it (``../data/...``) fails here
  instead of on a reader's machine: a notebook must run from any folder, with only ``adamcode``
  importable. tests/data/runs_in_an_empty_folder.ipynb checks that this is in force.
- The tests run on every core (pytest-xdist, ``-n auto`` in pyproject.toml). Each notebook's
  cells stay together on one worker, in order (they share one kernel), and so do all tests that
  need the built site (so it is built once); those come first, as they take longest. (xdist's
  own ``--dist loadgroup`` cannot do this under pytest 9, whose node ids it can no longer
  rename, so a scheduler here groups the tests.)
"""
import tempfile

import nbval.plugin
import pytest


class _KernelInEmptyFolder(nbval.plugin.RunningKernel):
    """nbval's kernel, started in an empty temporary folder instead of the notebook's own."""

    def __init__(self, kernel_name, cwd=None, startup_timeout=60):
        self.folder = tempfile.TemporaryDirectory(prefix="adamcode-notebook-")   # removed when collected
        super().__init__(kernel_name, cwd=self.folder.name, startup_timeout=startup_timeout)


assert nbval.plugin.RunningKernel.__init__.__code__.co_varnames[1:4] == ("kernel_name", "cwd", "startup_timeout")
nbval.plugin.RunningKernel = _KernelInEmptyFolder


# The test files whose tests need the built site: they run on one worker, so it is built once.
SITE_FILES = {"test_site.py", "test_browser.py"}


def _unit_of_work(nodeid: str) -> str:
    """What xdist hands to one worker as a whole: a notebook (its cells share one kernel), all
    the site's test files together (they share one build), or one test file."""
    path = nodeid.split("::", 1)[0]
    return "site" if path.rsplit("/", 1)[-1] in SITE_FILES else path


def pytest_collection_modifyitems(config, items):
    """Fail if a file outside SITE_FILES needs the site; order the units of work."""
    strays = {item.path.name for item in items if "site" in getattr(item, "fixturenames", ())} - SITE_FILES
    if strays:
        raise pytest.UsageError(f"{sorted(strays)} use the built site: add them to SITE_FILES in conftest.py")
    # Longest units first, so that no long one starts last: the site's tests, the other browser
    # tests, the notebooks, then the unit tests (sort is stable: each keeps its order).
    items.sort(key=lambda item: (_unit_of_work(item.nodeid) != "site", not item.get_closest_marker("browser"),
                                 item.path.suffix != ".ipynb"))


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_Scheduling(), "adamcode-scheduling")
        config.option.loadscopereorder = False   # hand out the units in the order sorted below


class _Scheduling:
    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config, log):
        from xdist.scheduler import LoadScopeScheduling

        class ByUnitOfWork(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return _unit_of_work(nodeid)

        return ByUnitOfWork(config, log)
