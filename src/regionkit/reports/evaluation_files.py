"""Write report.json, report.md and report.html of an evaluation."""

from __future__ import annotations

import os
from pathlib import Path

from regionkit import atomic
from regionkit.errors import InputError
from regionkit.evaluation import EvaluationReport
from regionkit.i18n import _

REPORT_FILES = {"json": "report.json", "md": "report.md", "html": "report.html"}


def write_evaluation_reports(
    report: EvaluationReport, out_dir: str | os.PathLike[str]
) -> dict[str, Path]:
    """Write the three report files into ``out_dir`` atomically, each one complete or absent.

    Parameters
    ----------
    report : EvaluationReport
        The result of :func:`regionkit.evaluation.evaluate_predictions`.
    out_dir : path
        Directory to write into; created when missing.

    Returns
    -------
    dict
        ``{"json": path, "md": path, "html": path}``.

    Raises
    ------
    InputError
        If ``report`` is not an EvaluationReport or ``out_dir`` is an existing file.
    """
    from regionkit.reports.evaluation_html import render_evaluation_html
    from regionkit.reports.evaluation_markdown import render_evaluation_markdown

    if not isinstance(report, EvaluationReport):
        raise InputError(
            _("report must be an EvaluationReport, got {kind}.").format(kind=type(report).__name__)
        )
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(
            _("{path} is a file; pass a directory for the reports.").format(path=out_dir)
        )
    out_dir.mkdir(parents=True, exist_ok=True)

    paths = {key: out_dir / name for key, name in REPORT_FILES.items()}
    atomic.write_json(paths["json"], report.to_dict())
    atomic.write_text(paths["md"], render_evaluation_markdown(report))
    atomic.write_text(paths["html"], render_evaluation_html(report))
    return paths
