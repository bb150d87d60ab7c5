"""The `regionkit validate` command: a thin shell over :func:`regionkit.validators.validate_snapshot`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionkit.errors import InputError
from regionkit.i18n import _

_STEPS = (
    "unicode_normalization",
    "html_unescape",
    "decode_escapes",
    "collapse_whitespace",
    "drop_duplicates",
    "drop_leakage",
)


def _pairs(values: list[str] | None, *, option: str, example: str) -> dict[str, str]:
    """Parse repeated ``NAME=VALUE`` options into a dict."""
    result: dict[str, str] = {}
    for value in values or []:
        name, separator, setting = value.partition("=")
        if not separator or not name.strip() or not setting.strip():
            raise InputError(
                _("{option} {value!r} is not NAME=VALUE; write it like {example}.").format(
                    option=option, value=value, example=example
                )
            )
        result[name.strip()] = setting.strip()
    return result


def _settings(
    *,
    severity,
    regions,
    region_scripts,
    min_examples,
    min_agreement,
    text_match,
    max_length,
    skip_steps,
    split_field,
    group_field,
):
    """Build the settings models, turning pydantic errors into one-line input errors."""
    from pydantic import ValidationError

    from regionkit.validators.settings import CheckSettings, CleaningSettings, SplitSettings

    unknown_steps = sorted(set(skip_steps or []) - set(_STEPS))
    if unknown_steps:
        raise InputError(
            _("--skip-step {steps} is not a cleaning step; use one of: {allowed}.").format(
                steps=", ".join(unknown_steps), allowed=", ".join(_STEPS)
            )
        )
    check_values: dict = {
        "severity": _pairs(severity, option="--severity", example="mojibake=critical"),
        "region_scripts": {
            name: [script.strip() for script in scripts.split("+")]
            for name, scripts in _pairs(
                region_scripts, option="--region-script", example="hi=Latin+Devanagari"
            ).items()
        },
    }
    optional = {
        "regions": regions or None,
        "min_examples": min_examples,
        "min_agreement": min_agreement,
        "text_match": text_match,
        "max_length": max_length,
    }
    check_values.update({key: value for key, value in optional.items() if value is not None})
    cleaning_values = {
        step: (None if step == "unicode_normalization" else False) for step in skip_steps or []
    }
    try:
        return (
            CheckSettings(**check_values),
            CleaningSettings(**cleaning_values),
            SplitSettings(field=split_field, group_field=group_field),
        )
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(map(str, first["loc"])) or "settings"
        raise InputError(
            _("Invalid setting {name}: {problem}; see 'regionkit validate --help'.").format(
                name=location, problem=first["msg"]
            )
        ) from None


def register(app: typer.Typer) -> None:
    """Add the `validate` command to ``app``."""

    @app.command(
        "validate",
        help=_(
            "Clean a snapshot, check it against Great Expectations suites (built-in localization "
            "checks plus your suite files) and write clean.parquet, quarantine.parquet, summary.json "
            "and an offline validation.html. Exit code 1 when a critical check fails."
        ),
    )
    def command(
        snapshot: Annotated[
            Path,
            typer.Option(
                "--snapshot", "-s", help=_("Snapshot directory written by 'regionkit sync'.")
            ),
        ],
        out: Annotated[
            Path,
            typer.Option(
                "--out", "-o", help=_("Output directory; an existing one is replaced atomically.")
            ),
        ],
        suite: Annotated[
            list[Path] | None,
            typer.Option(
                "--suite",
                help=_("GX 1.x expectation suite JSON file to run as well; repeat for several."),
            ),
        ] = None,
        builtin: Annotated[
            bool,
            typer.Option(
                "--builtin/--no-builtin",
                help=_("Run the built-in suite generated from the labeling config."),
            ),
        ] = True,
        region: Annotated[
            list[str] | None,
            typer.Option(
                "--region",
                help=_("Allowed region; repeat for several (default: the snapshot's regions)."),
            ),
        ] = None,
        region_script: Annotated[
            list[str] | None,
            typer.Option(
                "--region-script",
                help=_("Scripts a region's text may use, e.g. hi=Latin+Devanagari; repeatable."),
            ),
        ] = None,
        severity: Annotated[
            list[str] | None,
            typer.Option(
                "--severity",
                help=_(
                    "Severity of a check: NAME=critical, warning or off, e.g. mojibake=critical; repeatable."
                ),
            ),
        ] = None,
        min_examples: Annotated[
            int | None,
            typer.Option(
                "--min-examples", help=_("Minimum labelled rows per region and label (default 10).")
            ),
        ] = None,
        min_agreement: Annotated[
            float | None,
            typer.Option(
                "--min-agreement",
                help=_("Minimum mean annotator agreement per region, 0 to 1 (default 0.6)."),
            ),
        ] = None,
        text_match: Annotated[
            str | None,
            typer.Option(
                "--text-match",
                help=_("How duplicates and leakage compare texts: normalized (default) or exact."),
            ),
        ] = None,
        max_length: Annotated[
            int | None,
            typer.Option(
                "--max-length", help=_("Maximum text length in characters (default 5000).")
            ),
        ] = None,
        skip_step: Annotated[
            list[str] | None,
            typer.Option(
                "--skip-step", help=_("Cleaning step to skip, e.g. drop_leakage; repeatable.")
            ),
        ] = None,
        split_field: Annotated[
            str | None,
            typer.Option(
                "--split-field",
                help=_("Column with each task's split (default data.split when present)."),
            ),
        ] = "data.split",
        group_field: Annotated[
            str | None,
            typer.Option(
                "--group-field",
                help=_("Column whose equal values share a split, e.g. data.sentence_id."),
            ),
        ] = None,
    ) -> None:
        from regionkit.console import stdout
        from regionkit.reports.validation_terminal import print_validation_summary
        from regionkit.validators.pipeline import validate_snapshot

        checks, cleaning, splits = _settings(
            severity=severity,
            regions=region,
            region_scripts=region_script,
            min_examples=min_examples,
            min_agreement=min_agreement,
            text_match=text_match,
            max_length=max_length,
            skip_steps=skip_step,
            split_field=split_field,
            group_field=group_field,
        )
        result = validate_snapshot(
            snapshot=snapshot,
            out=out,
            suite_paths=suite or (),
            checks=checks,
            cleaning=cleaning,
            splits=splits,
            builtin_suite=builtin,
        )
        print_validation_summary(result.summary, console=stdout)
        stdout.print(
            _("Report: {path}").format(path=result.out / "validation.html"), markup=False
        )
        result.raise_for_gate()
