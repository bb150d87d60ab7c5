"""Hatchling build hook: compile the gettext catalogs (``.po``) into ``.mo`` files.

The ``.mo`` files are build output and ignored by git, so hatchling would leave
them out of a wheel. This hook compiles each ``src/regionkit/locale/*/LC_MESSAGES/*.po``
into a ``.mo`` file beside it and, for a regular wheel, force-includes those
files. An editable install imports the package from ``src/``, where the
compiled files now sit. Babel comes from ``[build-system] requires``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE_DIR = Path("src") / "regionkit" / "locale"


class CompileCatalogsHook(BuildHookInterface):
    """Compile the translation catalogs before a wheel or editable wheel is built."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # an sdist ships the .po files; its wheel build compiles them

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        po_paths = sorted((root / LOCALE_DIR).glob("*/LC_MESSAGES/*.po"))
        if not po_paths:
            raise RuntimeError(f"no .po catalogs under {root / LOCALE_DIR}; the package would ship untranslated")

        for po_path in po_paths:
            with po_path.open("rb") as source:
                catalog = read_po(source, domain=po_path.stem)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            mo_path = po_path.with_suffix(".mo")
            mo_path.write_bytes(buffer.getvalue())
            self.app.display_info(f"compiled {mo_path.relative_to(root)} ({len(catalog)} messages)")

            if version != "editable":
                # Map src/regionkit/locale/... to regionkit/locale/... inside the wheel.
                target = mo_path.relative_to(root / "src").as_posix()
                build_data["force_include"][str(mo_path)] = target
