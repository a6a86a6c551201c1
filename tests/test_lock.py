"""Installs are reproducible: uv.lock pins what pyproject.toml asks for, runtime and dev."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

# One requirement as uv records it: name, extras, version range, and the extra that asks for it.
Asked = tuple[str, frozenset[str], str, str]


def from_pyproject() -> set[Asked]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    asked = {(line, "") for line in project["dependencies"]}
    for extra, lines in project["optional-dependencies"].items():
        asked |= {(line, extra) for line in lines}
    requirements = {(Requirement(line), extra) for line, extra in asked}
    return {
        (canonicalize_name(r.name), frozenset(r.extras), str(r.specifier), extra)
        for r, extra in requirements
    }


def lock() -> dict[str, Any]:
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def from_lock() -> set[Asked]:
    (myoguide,) = (p for p in lock()["package"] if p["name"] == "myoguide")
    asked = set()
    for entry in myoguide["metadata"]["requires-dist"]:
        extra = re.fullmatch(r"extra == '(.*)'", entry.get("marker", "extra == ''"))
        assert extra, f"uv.lock: unexpected marker in {entry}"
        asked.add(
            (
                canonicalize_name(entry["name"]),
                frozenset(entry.get("extras", [])),
                str(SpecifierSet(entry.get("specifier", ""))),
                extra.group(1),
            )
        )
    return asked


def test_the_lock_pins_what_pyproject_asks_for() -> None:
    in_pyproject, in_lock = from_pyproject(), from_lock()
    assert in_pyproject == in_lock, (
        "uv.lock is not in step with pyproject.toml: run `make lock`\n"
        f"  only in pyproject.toml: {sorted(in_pyproject - in_lock)}\n"
        f"  only in uv.lock: {sorted(in_lock - in_pyproject)}"
    )


def test_every_dependency_is_pinned_in_the_lock() -> None:
    pinned = {canonicalize_name(p["name"]) for p in lock()["package"] if "version" in p}
    missing = {name for name, *_ in from_pyproject()} - pinned
    assert not missing, f"not pinned in uv.lock: {sorted(missing)}; run `make lock`"


def test_the_lock_takes_packages_from_pypi_with_hashes() -> None:
    for package in lock()["package"]:
        if package["name"] == "myoguide":
            continue
        assert package["source"] == {"registry": "https://pypi.org/simple"}, package["name"]
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files and all(f["hash"].startswith("sha256:") for f in files), package["name"]
