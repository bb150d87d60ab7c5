"""Read a workflow file, validate it and resolve its paths against the file's directory.

Every problem becomes one :class:`~regionkit.errors.InputError` line that names the
key path, the bad value and the allowed values, so the CLI exits with code 2.
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from regionkit.errors import InputError
from regionkit.i18n import N_, _, ngettext
from regionkit.workflows.hashing import hash_file
from regionkit.workflows.model import SECRET_KEYS, FileSource, ServerSource, Workflow

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: Keys whose values are never echoed in an error message, because they may hold a secret.
SECRET_VALUE_KEYS = frozenset(SECRET_KEYS) | {"api_key_env"}
#: Maximum characters of a bad value shown in an error message.
MAX_VALUE_CHARS = 60


@dataclass(frozen=True)
class LoadedWorkflow:
    """A validated workflow with absolute paths, and where it came from."""

    workflow: Workflow
    path: Path
    sha256: str

    @property
    def base_dir(self) -> Path:
        """The directory that relative paths in the file are resolved against."""
        return self.path.parent


def load_workflow(path: str | Path) -> LoadedWorkflow:
    """Read, validate and resolve the workflow file at ``path``.

    Parameters
    ----------
    path : str or pathlib.Path
        A TOML workflow file. Relative paths inside it are resolved against its
        directory.

    Returns
    -------
    LoadedWorkflow
        The workflow with absolute paths, the file's path and its SHA-256.

    Raises
    ------
    InputError
        If the file is missing, is not valid TOML, fails validation, or names an
        input file that does not exist.
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise InputError(
            _(
                "Workflow file {path} not found; check the path or create one with "
                "'regionkit init DIR'."
            ).format(path=path)
        )
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            _("{path} is not valid TOML: {error}; fix the syntax.").format(path=path, error=error)
        ) from None

    workflow = parse_workflow(data, source_name=path.name)
    workflow = resolve_paths(workflow, path.parent)
    check_inputs_exist(workflow, source_name=path.name)
    return LoadedWorkflow(workflow=workflow, path=path, sha256=hash_file(path))


def parse_workflow(data: dict[str, Any], *, source_name: str = "workflow") -> Workflow:
    """Validate parsed TOML ``data`` into a :class:`Workflow` (paths left as written).

    Raises
    ------
    InputError
        With one line for the first problem and a count of the others.
    """
    try:
        return Workflow.model_validate(data)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        message = describe_error(problems[0], source_name=source_name)
        others = len(problems) - 1
        if others:
            message += " " + ngettext(
                "({count} more problem; fix this one and run again.)",
                "({count} more problems; fix this one and run again.)",
                others,
            ).format(count=others)
        raise InputError(message) from None


def describe_error(problem: dict[str, Any], *, source_name: str) -> str:
    """Turn one pydantic error into a sentence naming the key, the bad value and the fix."""
    location = _key_path(problem["loc"])
    kind = problem["type"]
    context = problem.get("ctx") or {}
    key = location or _("(top level)")
    secret_location = any(part in SECRET_VALUE_KEYS for part in map(str, problem["loc"]))
    value = _("(hidden)") if secret_location else _render_value(problem.get("input"))

    if kind == "extra_forbidden":
        parent = problem["loc"][:-1]
        allowed = ", ".join(_allowed_keys(parent)) or _("(none)")
        return _("{file}: unknown key '{key}'; allowed keys in {table}: {allowed}.").format(
            file=source_name, key=key, table=_table_name(parent), allowed=allowed
        )
    if kind == "missing" and location == "source":
        return _(
            '{file}: the [source] table is missing; add one with kind = "file" and path = '
            '"EXPORT.json", or kind = "server" and projects = [ID, ...].'
        ).format(file=source_name)
    if kind == "missing" and location == "regions":
        return _(
            '{file}: the [regions] table is missing; add one with field = "DATA_FIELD" '
            'or map = {{ PROJECT = "REGION" }}.'
        ).format(file=source_name)
    if kind == "missing":
        return _("{file}: required key '{key}' is missing; add it.").format(
            file=source_name, key=key
        )
    if kind == "secret_in_file":
        secret_key = f"{location}.{context['key']}" if location else context["key"]
        return _(
            "{file}: '{key}' contains a literal secret, which a workflow file must not contain; "
            "remove it, set api_key_env to the name of an environment variable "
            '(such as "LABEL_STUDIO_API_KEY") and export the key there.'
        ).format(file=source_name, key=secret_key)
    if kind == "union_tag_not_found":
        return _('{file}: \'{key}.kind\' is missing; set it to "file" or "server".').format(
            file=source_name, key=key
        )
    if kind == "union_tag_invalid":
        return _("{file}: '{key}.kind' = {value} is invalid; allowed values: {allowed}.").format(
            file=source_name,
            key=key,
            value=_render_value(context.get("tag")),
            allowed=context.get("expected_tags"),
        )
    reason = _reason(kind, context, problem.get("msg", ""))
    return _("{file}: '{key}' = {value} is invalid: {reason}.").format(
        file=source_name, key=key, value=value, reason=reason
    )


#: pydantic error types whose fix is the same sentence whatever the value.
EXPECTED_BY_ERROR = {
    ("int_parsing", "int_type", "int_from_float"): N_("expected an integer"),
    ("float_parsing", "float_type", "finite_number"): N_("expected a number"),
    ("bool_parsing", "bool_type"): N_("expected true or false"),
    ("string_type", "path_type"): N_("expected a string"),
    ("list_type", "tuple_type"): N_('expected a list such as ["a", "b"]'),
    ("dict_type", "model_type", "model_attributes_type"): N_("expected a table"),
    ("environment_variable_name",): N_(
        'expected the name of an environment variable, such as "LABEL_STUDIO_API_KEY"'
    ),
    ("min_metric",): N_(
        'expected METRIC=VALUE or REGION:METRIC=VALUE, such as "macro_f1=0.5", '
        "with a value in [0, 1]"
    ),
    ("url",): N_("expected an http:// or https:// URL"),
    ("regions_source",): N_(
        "set exactly one of 'field' (a task data field) and 'map' (project to region)"
    ),
    ("plan_budget",): N_("set budget (tasks) or hours (annotator hours) when enabled = true"),
}
#: Bound errors: pydantic error type -> (comparison symbol, context key of the limit).
BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}


def _reason(kind: str, context: dict[str, Any], fallback: str) -> str:
    """Say in words what a value of this key must be."""
    for kinds, expected in EXPECTED_BY_ERROR.items():
        if kind in kinds:
            return _(expected)

    if kind == "literal_error":
        return _("allowed values are {allowed}").format(allowed=context.get("expected"))
    if kind == "too_short":
        return _("expected at least {count} item(s)").format(count=context.get("min_length"))
    if kind in BOUNDS:
        symbol, name = BOUNDS[kind]
        return _("expected a value {symbol} {limit}").format(symbol=symbol, limit=context.get(name))
    return fallback


def _key_path(location: tuple[Any, ...]) -> str:
    """Join a pydantic location into a key path such as ``source.projects[0]``, minus union tags."""
    text = ""
    for index, part in enumerate(location):
        if index > 0 and location[index - 1] == "source" and part in ("file", "server"):
            continue  # the discriminated union's tag, not a key in the file
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text


def _table_name(parent: tuple[Any, ...]) -> str:
    path = _key_path(parent)
    return f"[{path}]" if path else _("the top level")


def _render_value(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _allowed_keys(parent: tuple[Any, ...]) -> list[str]:
    """Return the keys that the table at ``parent`` accepts, by walking the model."""
    model: Any = Workflow
    for index, part in enumerate(parent):
        if isinstance(part, int):
            continue
        if index > 0 and parent[index - 1] == "source" and part in ("file", "server"):
            model = FileSource if part == "file" else ServerSource
            continue
        field = _field_by_key(model, str(part)) if model is not None else None
        if field is None:
            return []
        # None for the source union: the tag that follows picks the model.
        model = _model_in(field.annotation)
    if model is None:
        return []
    return sorted(field.alias or name for name, field in model.model_fields.items())


def _field_by_key(model: type[BaseModel], key: str):
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """Find the model class in an annotation such as ``Gate | None``; None for unions of models."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType) or get_args(annotation):
        models = [found for arg in get_args(annotation) if (found := _model_in(arg)) is not None]
        return models[0] if len(models) == 1 else None
    return None


def resolve_paths(workflow: Workflow, base_dir: Path) -> Workflow:
    """Return ``workflow`` with its relative paths made absolute against ``base_dir``."""

    def absolute(path: Path | None) -> Path | None:
        if path is None:
            return None
        path = path.expanduser()
        return path if path.is_absolute() else (base_dir / path).resolve()

    source = workflow.source
    if isinstance(source, FileSource):
        source = source.model_copy(
            update={
                "path": absolute(source.path),
                "labeling_config": absolute(source.labeling_config),
            }
        )
    validate = workflow.validate_.model_copy(update={"suites": absolute(workflow.validate_.suites)})
    return workflow.model_copy(
        update={"out": absolute(workflow.out), "source": source, "validate_": validate}
    )


def check_inputs_exist(workflow: Workflow, *, source_name: str) -> None:
    """Raise InputError when a file or folder that the workflow names does not exist."""
    candidates: list[tuple[str, Path | None]] = []
    if isinstance(workflow.source, FileSource):
        candidates += [
            ("source.path", workflow.source.path),
            ("source.labeling_config", workflow.source.labeling_config),
        ]
    candidates.append(("validate.suites", workflow.validate_.suites))
    for key, path in candidates:
        if path is not None and not path.exists():
            raise InputError(
                _(
                    "{file}: '{key}' names {path}, which does not exist; fix the path "
                    "(relative paths start at the workflow file's directory)."
                ).format(file=source_name, key=key, path=path)
            )
