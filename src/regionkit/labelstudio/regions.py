"""Region sources of a task: a data field, or a project-to-region map."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from regionkit.errors import InputError
from regionkit.i18n import _


@dataclass(frozen=True)
class RegionField:
    """Take the region from the task data field ``name`` (e.g. ``locale``)."""

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(
                _(
                    "The region field name is empty; pass a data field such as --region-field locale."
                )
            )

    def manifest_entry(self) -> dict[str, Any]:
        return {"kind": "field", "field": self.name}


@dataclass(frozen=True)
class ProjectRegionMap:
    """Give every task of a project one region; keys are project ids or titles."""

    mapping: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.mapping:
            raise InputError(
                _(
                    "The project-to-region map is empty; pass it as --region-map '3=de,Market FR=fr'."
                )
            )

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "kind": "project_map",
            "map": {str(key): value for key, value in sorted(self.mapping.items())},
        }


RegionSource = RegionField | ProjectRegionMap


def parse_region_map(text: str) -> ProjectRegionMap:
    """Parse ``"3=de,Market FR=fr"`` into a :class:`ProjectRegionMap`.

    Raises
    ------
    InputError
        If an entry has no ``=``, an empty side, or a project appears twice.
    """
    mapping: dict[str, str] = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        project, separator, region = entry.partition("=")
        project, region = project.strip(), region.strip()
        if not separator or not project or not region:
            raise InputError(
                _(
                    "Region map entry {entry!r} is invalid; write PROJECT=REGION, e.g. '3=de,Market FR=fr'."
                ).format(entry=entry.strip())
            )
        if project in mapping:
            raise InputError(
                _("Project {project!r} appears twice in the region map; keep one entry.").format(
                    project=project
                )
            )
        mapping[project] = region
    return ProjectRegionMap(mapping)


def region_resolver(source: RegionSource, *, project_titles: Mapping[int, str] | None = None):
    """Return a function ``(project_id, data) -> region or None`` for ``source``."""
    if isinstance(source, RegionField):
        name = source.name

        def from_field(project_id: int, data: Mapping[str, Any]) -> str | None:
            value = data.get(name)
            if value is None:
                return None
            text = str(value).strip()
            return text or None

        return from_field

    by_project: dict[int, str] = {}
    titles = project_titles or {}
    for key, region in source.mapping.items():
        if key.isdigit():
            by_project[int(key)] = region
    for project_id, title in titles.items():
        if title in source.mapping and project_id not in by_project:
            by_project[project_id] = source.mapping[title]

    def from_project(project_id: int, data: Mapping[str, Any]) -> str | None:
        return by_project.get(project_id)

    return from_project
