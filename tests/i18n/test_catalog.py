"""The zh-CN catalog is complete, keeps every placeholder and matches the source."""

from __future__ import annotations

import re
import string

from babel.messages.catalog import Catalog, Message

# %-style conversions such as %s, %(name)d or %.2f; "%%" is a literal percent sign. The
# space flag is left out so that "95% confidence" is not read as the conversion "% c".
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0+-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def brace_placeholders(text: str) -> set[str]:
    """Return the ``{name!conversion:spec}`` fields of a ``str.format`` template.

    A text with an unmatched brace is not a template; its ``{...}`` spans are returned.
    """
    fields = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        # Not a format template, because the message is shown without .format(). Compare raw braces.
        return set(re.findall(r"\{[^{}]*\}", text))
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        field = name
        if conversion:
            field += f"!{conversion}"
        if spec:
            field += f":{spec}"
        fields.add(field)
    return fields


def percent_placeholders(text: str) -> list[str]:
    """Return the %-style conversions of ``text`` in order, without ``%%``."""
    return [match for match in PERCENT_PLACEHOLDER.findall(text) if match != "%%"]


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_catalog_declares_chinese(catalog):
    assert catalog.locale.language == "zh"
    assert catalog.locale.territory == "CN"
    assert catalog.num_plurals == 1


def test_every_message_translated(catalog):
    untranslated = [
        _ids(message)[0] for message in _messages(catalog) if not all(_strings(message))
    ]
    assert untranslated == [], f"{len(untranslated)} msgid(s) have an empty zh-CN msgstr"


def test_no_fuzzy_translations(catalog):
    fuzzy = [_ids(message)[0] for message in _messages(catalog) if message.fuzzy]
    assert fuzzy == [], "fuzzy entries are skipped when compiling; review them and drop the flag"


def test_brace_placeholders_match(catalog):
    mismatches = []
    for message in _messages(catalog):
        expected = set().union(*(brace_placeholders(msgid) for msgid in _ids(message)))
        for translation in filter(None, _strings(message)):  # empty ones fail the test above
            found = brace_placeholders(translation)
            if found != expected:
                mismatches.append((_ids(message)[0], sorted(expected), sorted(found)))
    assert mismatches == []


def test_percent_placeholders_match(catalog):
    mismatches = []
    for message in _messages(catalog):
        expected = sorted(percent_placeholders(_ids(message)[0]))
        for translation in filter(None, _strings(message)):
            if sorted(percent_placeholders(translation)) != expected:
                mismatches.append((_ids(message)[0], translation))
    assert mismatches == []


def test_catalog_has_every_source_message(template, catalog):
    missing = [
        message.id
        for message in _messages(template)
        if catalog.get(message.id, context=message.context) is None
    ]
    assert missing == [], (
        f"{len(missing)} message(s) in src/regionkit are not in the zh_CN regionkit.po; "
        "run 'python scripts/update_catalog.py' and translate them"
    )


def test_plural_messages_keep_plural_form(template, catalog):
    for message in _messages(template):
        entry = catalog.get(message.id, context=message.context)
        if entry is not None:
            assert entry.pluralizable == message.pluralizable, message.id


def test_template_file_up_to_date(update_script, template):
    stored_template = update_script.read_catalog(update_script.template_path())
    stored = {message.id for message in _messages(stored_template)}
    extracted = {message.id for message in _messages(template)}
    assert extracted - stored == set(), "regionkit.pot is stale; run 'python scripts/update_catalog.py'"


def test_extraction_finds_calls_in_fstrings(update_script, tmp_path):
    package = tmp_path / "src" / "demo"
    package.mkdir(parents=True)
    (package / "report.py").write_text(
        "from regionkit.i18n import _, ngettext\n"
        "heading = f\"## {_('Gate')}\"\n"
        "line = f\"- {ngettext('{n} task', '{n} tasks', n).format(n=n)}\"\n"
        "plain = f\"{name}: {value}\"\n",
        encoding="utf-8",
    )
    found = update_script.calls_inside_fstrings(package)
    messages = [message for message, _location in found]
    assert messages == ["Gate", ("{n} task", "{n} tasks")]
    assert found[0][1] == ("src/demo/report.py", 2)

