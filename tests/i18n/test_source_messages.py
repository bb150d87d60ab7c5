"""Source rules for translatable text: literal msgids, and no literal help or error text."""

from __future__ import annotations

import ast
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE = REPOSITORY / "src" / "regionkit"
TRANSLATORS = {"_", "N_", "ngettext"}
ERROR_CLASSES = {
    "RegionkitError",
    "InputError",
    "ConnectionFailed",
    "GateFailed",
    "BadParameter",
    "UsageError",
}
TEXT_KEYWORDS = {"help", "rich_help_panel", "short_help", "epilog"}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_text_literal(node: ast.expr) -> bool:
    """True for a string constant or f-string that contains a word, i.e. untranslated text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(character.isalpha() for character in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(part, ast.Constant) and any(character.isalpha() for character in part.value)
            for part in node.values
        )
    return False


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPOSITORY)}:{node.lineno}"


def _is_built_string(node: ast.expr) -> bool:
    """True for text assembled at run time: an f-string, ``+``/``%`` or a method call."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call))


def test_msgids_are_not_built_at_run_time():
    """``_(f"...")`` or ``_("a" + b)`` looks up a msgid that the catalog cannot contain.

    A variable is allowed, because it names a constant marked with ``N_()`` elsewhere.
    """
    offenders = []
    for path, module in _modules():
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATORS:
                message_count = 2 if node.func.id == "ngettext" else 1
                if any(_is_built_string(argument) for argument in node.args[:message_count]):
                    offenders.append(_where(path, node))
    assert offenders == [], "pass a string literal to _() and fill placeholders with .format() after it"


def test_marked_messages_are_literals():
    offenders = []
    for path, module in _modules():
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
                argument = node.args[0] if node.args else None
                if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                    offenders.append(_where(path, node))
    assert offenders == [], "N_() marks a message for extraction, so it needs a string literal"


def test_help_texts_are_translated():
    offenders = []
    for path, module in _modules():
        for node in ast.walk(module):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg in TEXT_KEYWORDS and _is_text_literal(keyword.value):
                        offenders.append(f"{_where(path, keyword.value)} {keyword.arg}=")
    assert offenders == [], "wrap help texts in _()"


def test_error_messages_are_translated():
    offenders = []
    for path, module in _modules():
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and _name(node.func) in ERROR_CLASSES and node.args:
                if _is_text_literal(node.args[0]):
                    offenders.append(_where(path, node))
    assert offenders == [], "wrap error messages in _() with named placeholders"


def test_commands_have_translated_help():
    """A command without help= shows its docstring, which Babel never extracts."""
    offenders = []
    for path, module in _modules():
        for node in ast.walk(module):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in node.decorator_list:
                    if (
                        isinstance(decorator, ast.Call)
                        and _name(decorator.func) in ("command", "callback")
                        and not any(keyword.arg == "help" for keyword in decorator.keywords)
                        and ast.get_docstring(node)
                    ):
                        offenders.append(_where(path, node))
    assert offenders == [], "pass help=_('...') to the command decorator"
