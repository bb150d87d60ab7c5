"""The workflow file model: one pydantic section per concept, unknown keys rejected.

Paths stay as written in the file here; :mod:`regionkit.workflows.loader` resolves
them against the workflow file's directory after validation. ``docs/workflow.md``
documents every key with its default and allowed values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from regionkit.errors import InputError
from regionkit.training.settings import TrainingSettings
from regionkit.validators.settings import CheckSettings, CleaningSettings, SplitSettings

#: Keys that would hold a secret in the file; the workflow names an environment variable instead.
SECRET_KEYS = ("api_key", "token", "api_token", "access_token", "password", "key")
ENVIRONMENT_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Tables that take a ``seed`` key, which defaults to the top-level ``seed``.
SEEDED_TABLES = (("validate", "split"), ("train",), ("evaluate",), ("plan",))


class Section(BaseModel):
    """Base of every workflow table: unknown keys are errors, and a validated table is frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


def _reject_secrets(data: Any) -> Any:
    if isinstance(data, dict):
        for key in SECRET_KEYS:
            if key in data:
                raise PydanticCustomError(
                    "secret_in_file",
                    "a literal secret is not allowed in the workflow file",
                    {"key": key},
                )
    return data


def _check_variable_name(value: str) -> str:
    # A long mix of lower-case letters and digits is an API key pasted in place of a name.
    looks_like_key = (
        len(value) >= 20 and any(c.islower() for c in value) and any(c.isdigit() for c in value)
    )
    if looks_like_key or not ENVIRONMENT_VARIABLE_NAME.match(value):
        raise PydanticCustomError(
            "environment_variable_name",
            "not the name of an environment variable",
            {"value": value},
        )
    return value


class FileSource(Section):
    """A Label Studio export file (JSON, JSON_MIN or CSV, optionally gzip-compressed)."""

    kind: Literal["file"]
    path: Path
    labeling_config: Path
    label_control: str | None = None

    _reject_secrets = model_validator(mode="before")(staticmethod(_reject_secrets))


class ServerSource(Section):
    """Projects on a Label Studio server; the API key comes from an environment variable."""

    kind: Literal["server"]
    projects: Annotated[list[int | str], Field(min_length=1)]
    url: str | None = None
    url_env: str = "LABEL_STUDIO_URL"
    api_key_env: str = "LABEL_STUDIO_API_KEY"
    label_control: str | None = None
    cache: Literal["never", "always"] = "never"
    since_last: bool = True

    _reject_secrets = model_validator(mode="before")(staticmethod(_reject_secrets))

    @field_validator("url_env", "api_key_env")
    @classmethod
    def _variable_name(cls, value: str) -> str:
        return _check_variable_name(value)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise PydanticCustomError("url", "not an http:// or https:// URL", {"value": value})
        return value


Source = Annotated[FileSource | ServerSource, Field(discriminator="kind")]


class Regions(Section):
    """The source of each task's region: a task data field or a project-to-region map."""

    field: str | None = None
    map: dict[str, str] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Regions:
        if (self.field is None) == (self.map is None):
            raise PydanticCustomError("regions_source", "set exactly one of 'field' and 'map'", {})
        return self


class Validate(Section):
    """Expectation suites, localization checks, cleaning and the train/val/test split."""

    suites: Path | None = None
    builtin_suite: bool = True
    stop_on_failure: bool = True
    checks: CheckSettings = CheckSettings()
    cleaning: CleaningSettings = CleaningSettings()
    split: SplitSettings = SplitSettings()

    @model_validator(mode="before")
    @classmethod
    def _none_spelled_out(cls, data: Any) -> Any:
        """Read ``unicode_normalization = "none"`` as null, which TOML cannot write."""
        cleaning = data.get("cleaning") if isinstance(data, dict) else None
        if isinstance(cleaning, dict) and cleaning.get("unicode_normalization") == "none":
            data = {**data, "cleaning": {**cleaning, "unicode_normalization": None}}
        return data


def _check_gate_rule(value: str) -> str:
    from regionkit.evaluation._settings import parse_min_metric

    try:
        parse_min_metric([value])
    except InputError:
        raise PydanticCustomError(
            "min_metric", "not METRIC=VALUE or REGION:METRIC=VALUE", {}
        ) from None
    return value


class Gate(Section):
    """Thresholds that fail the run (exit code 1) when the gated model misses them."""

    max_gap: Annotated[float, Field(ge=0, le=1)] | None = None
    min_metric: list[Annotated[str, AfterValidator(_check_gate_rule)]] = []
    model: str | None = None


class Evaluate(Section):
    """Per-region metrics, confidence intervals, significance tests and the quality gate."""

    primary_metric: Literal["macro_f1", "accuracy"] = "macro_f1"
    n_boot: Annotated[int, Field(ge=100)] = 1000
    confidence_level: Annotated[float, Field(ge=0.5, lt=1)] = 0.95
    seed: Annotated[int, Field(ge=0)] = 0
    n_permutations: Annotated[int, Field(ge=100)] | None = None
    min_region_size: Annotated[int, Field(ge=1)] = 100
    max_ci_width: Annotated[float, Field(gt=0, le=1)] | None = None
    power: Annotated[float, Field(ge=0.5, lt=1)] = 0.8
    models: list[str] | None = None
    gate: Gate = Gate()


class Plan(Section):
    """The optional last step: split a labeling budget across regions and choose the tasks."""

    enabled: bool = False
    budget: Annotated[int, Field(ge=1)] | None = None
    hours: Annotated[float, Field(gt=0)] | None = None
    model: str | None = None
    uncertainty: Literal["margin", "entropy"] = "margin"
    similarity: Annotated[float, Field(gt=0, le=1)] = 0.9
    target_gap: Annotated[float, Field(gt=0, lt=1)] = 0.05
    measurement_share: Annotated[float, Field(ge=0, le=1)] = 0.25
    insignificant_weight: Annotated[float, Field(ge=0, le=1)] = 0.5
    holdout_fraction: Annotated[float, Field(ge=0, lt=1)] = 0.0
    holdout_split: Literal["train", "val", "test"] = "train"
    seed: int = 0

    @model_validator(mode="after")
    def _budget_when_enabled(self) -> Plan:
        if self.enabled and self.budget is None and self.hours is None:
            raise PydanticCustomError("plan_budget", "an enabled plan needs budget or hours", {})
        return self


class Workflow(Section):
    """A whole workflow file."""

    version: Literal[1] = 1
    name: str | None = None
    out: Path = Path("runs")
    seed: int = 0
    source: Source
    regions: Regions
    validate_: Validate = Field(default=Validate(), alias="validate")
    train: TrainingSettings = TrainingSettings()
    evaluate: Evaluate = Evaluate()
    plan: Plan = Plan()

    @model_validator(mode="before")
    @classmethod
    def _default_seeds(cls, data: Any) -> Any:
        """Copy the top-level ``seed`` into every step table that sets no seed of its own."""
        if not isinstance(data, dict) or "seed" not in data:
            return data
        data = dict(data)
        for path in SEEDED_TABLES:
            data = _with_default(data, path, "seed", data["seed"])
        return data


def _with_default(
    data: dict[str, Any], path: tuple[str, ...], key: str, value: Any
) -> dict[str, Any]:
    """Return ``data`` with ``key`` set in the table at ``path`` when the file leaves it out.

    Tables of the wrong type are left alone for validation to report.
    """
    head, rest = path[0], path[1:]
    table = data.get(head, {})
    if not isinstance(table, dict):
        return data
    if rest:
        table = _with_default(table, rest, key, value)
    elif key not in table:
        table = {**table, key: value}
    return {**data, head: table}
