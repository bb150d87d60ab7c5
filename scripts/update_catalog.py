"""Extract the messages of regionkit and update the translation catalogs.

Usage (from the repository root, with Babel installed)::

    python scripts/update_catalog.py            # write regionkit.pot, merge it into every .po
    python scripts/update_catalog.py --check    # exit 1 if a .po lacks a message or a translation
    python scripts/update_catalog.py --compile  # also write the .mo files (the build hook does this)
    python scripts/update_catalog.py --init ja  # start a catalog for another language

New messages enter each ``.po`` file with an empty translation. Messages that left
the source are dropped from it, so the ``.po`` file lists exactly the messages in use.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPOSITORY = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPOSITORY / "src" / "regionkit"
LOCALE_DIR = SOURCE_DIR / "locale"
MAPPING_FILE = REPOSITORY / "babel.cfg"
DOMAIN = "regionkit"
PO_WIDTH = 100


def _package_version() -> str:
    for line in (SOURCE_DIR / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    return "0"


def extract_template() -> Catalog:
    """Return a catalog of every message marked with ``_``, ``ngettext`` or ``N_`` in the package."""
    with MAPPING_FILE.open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, filename=str(MAPPING_FILE))
    # babel.cfg patterns are relative to the repository root, but extract_from_dir matches
    # them against paths relative to SOURCE_DIR, so the package prefix is stripped.
    prefix = "src/regionkit/"
    method_map = [(pattern.removeprefix(prefix), method) for pattern, method in method_map]
    options_map = {pattern.removeprefix(prefix): options for pattern, options in options_map.items()}

    template = Catalog(
        project="regionkit",
        domain=DOMAIN,
        msgid_bugs_address="",
        copyright_holder="regionkit developers",
        version=_package_version(),
        creation_date=datetime(2026, 12, 4, tzinfo=timezone.utc),
        charset="utf-8",
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        SOURCE_DIR, method_map, options_map, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        location = (str(Path("src/regionkit") / filename), lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)

    for message, location in calls_inside_fstrings():
        if message not in template:
            template.add(message, None, [location])
    return template


def calls_inside_fstrings(source_dir: Path = SOURCE_DIR) -> list[tuple[str | tuple[str, str], tuple[str, int]]]:
    """Return the messages and locations of ``_("...")`` calls inside f-strings.

    Before PEP 701 (Python 3.12) an f-string is a single token, so Babel's
    extractor does not see the calls in its replacement fields.
    """
    found = []
    for path in sorted(source_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        location = path.relative_to(source_dir.parent.parent).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                    continue
                literals = [
                    argument.value
                    for argument in call.args
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                ]
                if call.func.id in ("_", "N_") and len(literals) == 1:
                    found.append((literals[0], (location, call.lineno)))
                elif call.func.id == "ngettext" and len(literals) == 2:
                    found.append((tuple(literals), (location, call.lineno)))
    return found


def template_path() -> Path:
    """Return the path of the ``.pot`` template."""
    return LOCALE_DIR / f"{DOMAIN}.pot"


def catalog_paths() -> list[Path]:
    """Return the ``.po`` file of every translated language."""
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(path: Path) -> Catalog:
    """Read a ``.po`` or ``.pot`` file."""
    with path.open("rb") as source:
        return read_po(source, domain=DOMAIN)


def _write(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=PO_WIDTH, include_lineno=False, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def init_catalog(locale: str) -> Path:
    """Create an empty ``.po`` file for ``locale`` (such as ``zh_CN``) from a fresh template."""
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po_path.exists():
        raise SystemExit(f"{po_path} exists already; run without --init to update it")
    template = extract_template()
    catalog = Catalog(
        locale=locale,
        domain=DOMAIN,
        project=template.project,
        copyright_holder=template.copyright_holder,
        version=template.version,
        creation_date=template.creation_date,
        revision_date=template.creation_date,
        last_translator="regionkit developers",
        language_team=locale,
        charset="utf-8",
        fuzzy=False,
    )
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    _write(catalog, po_path)
    return po_path


def update_catalogs() -> None:
    """Write the ``.pot`` template and merge it into every ``.po`` file."""
    template = extract_template()
    _write(template, template_path())
    for po_path in catalog_paths():
        catalog = read_catalog(po_path)
        # No fuzzy matching: a translation guessed from a similar msgid can be wrong,
        # while an empty msgstr fails the completeness test and gets translated.
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        _write(catalog, po_path)
        print(f"{po_path.relative_to(REPOSITORY)}: {len(catalog)} messages")


def check_catalogs() -> list[str]:
    """Return one line per message that a ``.po`` file lacks or leaves untranslated."""
    template = extract_template()
    problems = []
    for po_path in catalog_paths():
        catalog = read_catalog(po_path)
        name = po_path.relative_to(REPOSITORY)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id, context=message.context)
            if entry is None:
                problems.append(f"{name}: missing msgid {message.id!r}")
            elif entry.fuzzy or not all(entry.string if isinstance(entry.string, tuple) else [entry.string]):
                problems.append(f"{name}: untranslated or fuzzy msgid {message.id!r}")
    return problems


def compile_catalogs() -> list[Path]:
    """Compile every ``.po`` file to the ``.mo`` file beside it and return the ``.mo`` paths."""
    written = []
    for po_path in catalog_paths():
        mo_path = po_path.with_suffix(".mo")
        buffer = io.BytesIO()
        write_mo(buffer, read_catalog(po_path), use_fuzzy=False)
        mo_path.write_bytes(buffer.getvalue())
        written.append(mo_path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report missing or untranslated messages")
    parser.add_argument("--compile", action="store_true", help="also compile the .mo files")
    parser.add_argument("--init", metavar="LOCALE", help="start a catalog for LOCALE, e.g. zh_CN")
    arguments = parser.parse_args(argv)

    if arguments.init:
        print(f"created {init_catalog(arguments.init).relative_to(REPOSITORY)}")
        return 0

    if arguments.check:
        problems = check_catalogs()
        for line in problems:
            print(line)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0

    update_catalogs()
    if arguments.compile:
        for mo_path in compile_catalogs():
            print(f"compiled {mo_path.relative_to(REPOSITORY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
