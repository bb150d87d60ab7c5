"""Find the Choices control, its label set and its input field in a labeling config.

Parsing uses label-studio-sdk's ``label_interface``; regionkit reads no XML itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regionkit.errors import InputError
from regionkit.i18n import _


@dataclass(frozen=True)
class LabelSchema:
    """The part of a labeling config that a snapshot needs."""

    xml: str
    control: str
    labels: tuple[str, ...]
    input_field: str | None
    input_type: str | None


def read_labeling_config(path: str | Path) -> str:
    """Return the XML text of a labeling config file.

    Raises
    ------
    InputError
        If the file does not exist or cannot be read as UTF-8.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            _("Labeling config {path} not found; pass the XML file with --labeling-config.").format(
                path=path
            )
        )
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            _("Labeling config {path} cannot be read ({error}); save it as UTF-8 XML.").format(
                path=path, error=error
            )
        ) from None


def parse_label_schema(xml: str, *, control: str | None = None, origin: str = "") -> LabelSchema:
    """Parse ``xml`` and pick the Choices control that contains the label set.

    Parameters
    ----------
    xml : str
        The labeling config.
    control : str, optional
        Name of the Choices control. Required only when the config has more than one.
    origin : str, default=""
        Where the config came from (a path or project), named in error messages.

    Returns
    -------
    LabelSchema

    Raises
    ------
    InputError
        If the XML is invalid, has no Choices control, ``control`` names none of them,
        or several exist and ``control`` is not given.
    """
    from label_studio_sdk.label_interface import LabelInterface

    origin = origin or _("the labeling config")
    try:
        interface = LabelInterface(xml)
    except Exception as error:  # noqa: BLE001 - the SDK raises several XML and schema error types
        raise InputError(
            _("The labeling config in {origin} is not valid ({error}); fix the XML.").format(
                origin=origin, error=" ".join(str(error).split())[:200]
            )
        ) from None

    choices = [tag for tag in interface.controls if tag.tag == "Choices"]
    names = [tag.name for tag in choices]
    if not choices:
        raise InputError(
            _(
                "The labeling config in {origin} has no Choices control; regionkit needs a "
                "classification project with a <Choices> tag."
            ).format(origin=origin)
        )
    if control is None:
        if len(choices) > 1:
            raise InputError(
                _(
                    "The labeling config in {origin} has several Choices controls ({names}); "
                    "pick one with --label-control."
                ).format(origin=origin, names=", ".join(names))
            )
        chosen = choices[0]
    else:
        matches = [tag for tag in choices if tag.name == control]
        if not matches:
            raise InputError(
                _(
                    "Choices control {control!r} not found in {origin}; choose one of: {names}."
                ).format(control=control, origin=origin, names=", ".join(names))
            )
        chosen = matches[0]

    labels = tuple(str(label) for label in chosen.labels)
    input_field = input_type = None
    if chosen.objects:
        target = chosen.objects[0]
        input_type = target.tag
        input_field = (
            getattr(target, "value_name", None) or str(target.value or "").lstrip("$") or None
        )
    return LabelSchema(
        xml=xml, control=chosen.name, labels=labels, input_field=input_field, input_type=input_type
    )
