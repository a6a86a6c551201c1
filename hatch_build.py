"""A hatchling build hook: compiles the gettext catalogues (``.po`` to ``.mo``) whenever a
wheel or an editable install is built, so compiled catalogues are never committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("src", "myoguide", "locale")


class CatalogueHook(BuildHookInterface):
    PLUGIN_NAME = "catalogues"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        for po in sorted((root / LOCALE).glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parts[-3])
            mo = po.with_suffix(".mo")
            with mo.open("wb") as target:
                write_mo(target, catalogue)
            # An editable install reads src/ itself; a wheel needs the file (git ignores it).
            if version != "editable":
                build_data["force_include"][str(mo)] = str(mo.relative_to(root / "src"))
