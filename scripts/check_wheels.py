"""Check that requirements.txt installs from wheels alone on every CPython the README promises.

For each Python version it evaluates the environment markers of requirements.txt for that
version (pip would evaluate them for the Python that runs it), then asks pip to resolve every
pin with ``--only-binary=:all:`` for that version on x86-64 Linux (``pip download`` into a
temporary folder; pip's cache makes a second run fast). It also checks that pyproject.toml's
``requires-python`` admits the version (the ``-e .`` line).

    python scripts/check_wheels.py                   # 3.11.2 (Debian 12), 3.12, 3.13, 3.14, 3.15
    python scripts/check_wheels.py 3.15

Only SOURCE_ONLY packages may come as source: pure Python, built by pip without a compiler.
"""
from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import tempfile
import tomllib

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = pathlib.Path(__file__).resolve().parents[1]
VERSIONS = ["3.11.2", "3.12", "3.13", "3.14", "3.15"]
# Packages allowed to come as source (pure Python, built by pip without a compiler): none.
# (jieba, published only as source, was replaced by rjieba, which has abi3 wheels.)
SOURCE_ONLY: set[str] = set()
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"]


def pins_for(version: str) -> list[str]:
    """requirements.txt's pins that apply on CPython ``version`` on Linux, markers removed."""
    full = version if version.count(".") == 2 else version + ".0"
    env = {"python_version": ".".join(full.split(".")[:2]), "python_full_version": full,
           "implementation_name": "cpython", "platform_python_implementation": "CPython",
           "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"}
    pins = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-e")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or Marker(str(requirement.marker)).evaluate(env):
            pins.append(f"{requirement.name}{requirement.specifier}")
    return pins


def check(version: str) -> list[str]:
    problems = []
    full = version if version.count(".") == 2 else version + ".0"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    if full not in SpecifierSet(requires):
        problems.append(f"pyproject.toml requires-python {requires!r} excludes {version}")
    pins = pins_for(version)
    names = [re.split(r"[=<>!~]", pin)[0].lower() for pin in pins]
    if len(set(names)) != len(names):
        problems.append(f"two pins of one package apply on {version}: check the markers")
    binary = [pin for pin, name in zip(pins, names) if name not in SOURCE_ONLY]
    with tempfile.TemporaryDirectory() as tmp:
        listing = pathlib.Path(tmp) / "requirements.txt"
        listing.write_text("\n".join(binary) + "\n")
        # pip download, not install --dry-run: the latter checks Requires-Python against the
        # Python running pip rather than --python-version.
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                   "--only-binary=:all:", "--python-version", version, "--implementation", "cp",
                   *(arg for platform in PLATFORMS for arg in ("--platform", platform)),
                   "--dest", str(pathlib.Path(tmp) / "wheels"), "-r", str(listing)]
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
        problems.append(f"no wheel on CPython {version}: " + "; ".join(errors or [result.stderr[-1000:]]))
    return problems


def main(argv: list[str]) -> int:
    failed = 0
    for version in argv or VERSIONS:
        problems = check(version)
        print(f"CPython {version}: " + ("every pin has a wheel" if not problems else "\n  ".join(["FAILED", *problems])),
              flush=True)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
