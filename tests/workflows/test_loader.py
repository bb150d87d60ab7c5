"""Loading workflow files: validation messages, path resolution, secrets, CLI exit codes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from regionkit.cli import main
from regionkit.errors import InputError
from regionkit.workflows.loader import load_workflow

MINIMAL = """
[source]
kind = "file"
path = "data/export.json"
labeling_config = "data/config.xml"

[regions]
field = "locale"
"""


def write_project(directory: Path, text: str = MINIMAL) -> Path:
    (directory / "data").mkdir(parents=True, exist_ok=True)
    (directory / "data" / "export.json").write_text("[]")
    (directory / "data" / "config.xml").write_text("<View/>")
    workflow = directory / "workflow.toml"
    workflow.write_text(textwrap.dedent(text))
    return workflow


def load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as caught:
        load_workflow(write_project(tmp_path, text))
    return caught.value.message


def test_minimal_workflow_gets_defaults(tmp_path: Path) -> None:
    loaded = load_workflow(write_project(tmp_path))
    workflow = loaded.workflow
    assert workflow.source.path == tmp_path / "data" / "export.json"
    assert workflow.out == tmp_path / "runs"
    assert workflow.train.strategy == "per-region"
    assert workflow.evaluate.primary_metric == "macro_f1"
    assert len(loaded.sha256) == 64


def test_paths_resolve_against_workflow_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    write_project(project, 'out = "../elsewhere"\n' + MINIMAL)
    monkeypatch.chdir(tmp_path)
    loaded = load_workflow(Path("project/workflow.toml"))
    assert loaded.workflow.out == tmp_path / "elsewhere"
    assert loaded.workflow.source.labeling_config == project / "data" / "config.xml"


def test_top_level_seed_fills_step_seeds(tmp_path: Path) -> None:
    loaded = load_workflow(
        write_project(tmp_path, "seed = 7\n" + MINIMAL + "\n[train]\nseed = 3\n")
    )
    assert loaded.workflow.validate_.split.seed == 7
    assert loaded.workflow.evaluate.seed == 7
    assert loaded.workflow.train.seed == 3


def test_unknown_key_names_allowed_keys(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + "\n[train]\nepoch = 3\n")
    assert "unknown key 'train.epoch'" in message
    assert "epochs" in message
    assert "batch_size" in message


def test_wrong_type_names_key_and_value(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + '\n[train]\nepochs = "ten"\n')
    assert "'train.epochs' = \"ten\" is invalid: expected an integer" in message


def test_bad_choice_lists_allowed_values(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + '\n[train]\nstrategy = "both"\n')
    assert "'train.strategy' = \"both\"" in message
    assert "'joint'" in message
    assert "'per-region'" in message


def test_out_of_range_value_names_limit(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + "\n[evaluate.gate]\nmax_gap = 2\n")
    assert "'evaluate.gate.max_gap' = 2" in message
    assert "<= 1" in message


def test_bad_gate_rule_is_rejected(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + '\n[evaluate.gate]\nmin_metric = ["f1>0.5"]\n')
    assert "'evaluate.gate.min_metric[0]' = \"f1>0.5\"" in message


def test_missing_source_explains_both_kinds(tmp_path: Path) -> None:
    message = load_error(tmp_path, '[regions]\nfield = "locale"\n')
    assert "the [source] table is missing" in message
    assert 'kind = "server"' in message


def test_unknown_source_kind_lists_kinds(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL.replace('kind = "file"', 'kind = "ftp"'))
    assert "'source.kind' = \"ftp\" is invalid" in message
    assert "'file', 'server'" in message


def test_regions_needs_exactly_one_source(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + '\nmap = { "1" = "fr" }\n')
    assert "set exactly one of 'field'" in message


def test_literal_api_key_is_rejected_without_echo(tmp_path: Path) -> None:
    text = """
    [source]
    kind = "server"
    projects = [1]
    api_key = "c0ffee0123456789abcdef"

    [regions]
    field = "locale"
    """
    message = load_error(tmp_path, text)
    assert "'source.api_key' contains a literal secret" in message
    assert "api_key_env" in message
    assert "c0ffee0123456789abcdef" not in message


def test_key_pasted_into_api_key_env_is_hidden(tmp_path: Path) -> None:
    text = """
    [source]
    kind = "server"
    projects = [1]
    api_key_env = "c0ffee0123456789abcdef"

    [regions]
    field = "locale"
    """
    message = load_error(tmp_path, text)
    assert "'source.api_key_env' = (hidden)" in message
    assert "c0ffee0123456789abcdef" not in message


def test_missing_input_file_names_resolved_path(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL.replace("data/export.json", "data/nope.json"))
    assert "'source.path'" in message
    assert str(tmp_path / "data" / "nope.json") in message


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + "\n[train\n")
    assert "is not valid TOML" in message
    assert "\n" not in message


def test_several_problems_are_counted(tmp_path: Path) -> None:
    message = load_error(tmp_path, '[source]\nkind = "file"\n')
    assert "more problem" in message


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL + "\n[train]\nepoch = 3\n",
        MINIMAL + '\n[train]\nepochs = "ten"\n',
        '[regions]\nfield = "locale"\n',
    ],
    ids=["unknown-key", "wrong-type", "missing-source"],
)
def test_cli_bad_workflow_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    workflow = write_project(tmp_path, text)
    code = main(["run", str(workflow), "--out", str(tmp_path / "run")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("Error: workflow.toml:")
    assert not (tmp_path / "run").exists()


def test_cli_missing_workflow_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(tmp_path / "absent.toml")])
    assert code == 2
    assert "not found" in capsys.readouterr().err


def test_cli_unknown_force_step_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workflow = write_project(tmp_path)
    code = main(["run", str(workflow), "--force", "trian", "--out", str(tmp_path / "run")])
    assert code == 2
    assert "--force trian names no step" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()
