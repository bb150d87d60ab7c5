"""Terminal, HTML, Markdown and JSON reports."""


def write_evaluation_reports(report, out_dir):
    """Write report.json, report.md and report.html of an evaluation into ``out_dir``.

    See :func:`regionkit.reports.evaluation_files.write_evaluation_reports`.
    """
    from regionkit.reports.evaluation_files import write_evaluation_reports as write

    return write(report, out_dir)
