"""Write the validated-data directory atomically: tables, summary, GX results, report, suites."""

from __future__ import annotations


def write_outputs(
    *, out, clean, quarantine, summary, raw_results, suites, manifest, regions, labels
) -> None:
    """Write every output file into a staging directory that replaces ``out`` when complete."""
    import great_expectations as gx

    from regionkit import __version__
    from regionkit.atomic import atomic_directory, write_json, write_parquet, write_text
    from regionkit.reports.validation_html import render_validation_html
    from regionkit.validators.suites import suite_to_dict

    validated_manifest = {
        "schema_version": 1,
        "created_at": summary["created_at"],
        "labels": labels,
        "label_control": manifest.get("label_control"),
        "input_field": manifest.get("input_field") or "text",
        "input_type": manifest.get("input_type") or "Text",
        "regions": regions,
        "content_hash": manifest.get("content_hash"),
        "snapshot": summary["snapshot"]["path"],
        "counts": summary["rows"],
        "gate": summary["gate"],
        "versions": {"regionkit": __version__, "great_expectations": gx.__version__},
    }
    with atomic_directory(out) as staging:
        write_parquet(staging / "clean.parquet", clean)
        write_parquet(staging / "quarantine.parquet", quarantine)
        write_json(staging / "summary.json", summary)
        write_json(staging / "validation_result.json", {"suites": raw_results})
        write_json(staging / "manifest.json", validated_manifest)
        for suite in suites:
            write_json(staging / "suites" / f"{suite.name}.json", suite_to_dict(suite))
        write_text(staging / "validation.html", render_validation_html(summary, quarantine))
