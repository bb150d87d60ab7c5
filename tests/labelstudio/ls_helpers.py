"""Build Label Studio projects with several annotators, skips, ground truth, drafts and predictions.

On label-studio 1.23.2 an admin may create an annotation for another user by passing
``completed_by`` to ``POST /api/tasks/{id}/annotations/``, so tests need no second token.
Users are created with ``users.create``.
"""

from __future__ import annotations

import itertools

LABELING_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single-radio">
    <Choice value="negative"/>
    <Choice value="neutral"/>
    <Choice value="positive"/>
  </Choices>
</View>"""

_user_numbers = itertools.count(1)


def create_user(client, name: str) -> int:
    """Create a user with a unique email and return its id."""
    number = next(_user_numbers)
    user = client.users.create(
        username=f"{name}{number}",
        email=f"{name}{number}@regionkit.test",
        password=f"password-{name}-{number}",
    )
    return user.id


def create_project(client, title: str, tasks: list[dict]) -> tuple[int, list[int]]:
    """Create a project with the sentiment config, import ``tasks`` and return (project id, task ids)."""
    project = client.projects.create(title=title, label_config=LABELING_CONFIG)
    client.projects.import_tasks(id=project.id, request=tasks)
    task_ids = sorted(task.id for task in client.tasks.list(project=project.id))
    return project.id, task_ids


def choice(label: str) -> list[dict]:
    """Return an annotation result that picks ``label`` in the sentiment control."""
    return [
        {
            "from_name": "sentiment",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": [label]},
        }
    ]


def annotate(
    client,
    task_id: int,
    label: str | None,
    *,
    user: int | None = None,
    ground_truth: bool = False,
    skipped: bool = False,
) -> int:
    """Create an annotation (as ``user`` when given) and return its id; ``skipped`` makes a cancelled one."""
    arguments = {
        "result": [] if skipped or label is None else choice(label),
        "was_cancelled": skipped,
        "ground_truth": ground_truth,
        "lead_time": 2.5,
    }
    if user is not None:
        arguments["completed_by"] = user
    return client.annotations.create(id=task_id, **arguments).id


def add_draft(client, task_id: int, label: str) -> None:
    """Save a draft (not an annotation) on a task as the admin."""
    response = client._client_wrapper.httpx_client.request(
        f"/api/tasks/{task_id}/drafts",
        method="POST",
        json={"result": choice(label), "lead_time": 1.0},
    )
    response.raise_for_status()


def add_prediction(
    client, task_id: int, label: str, *, score: float = 0.9, model_version: str = "baseline-v1"
) -> int:
    """Create a prediction and return its id."""
    return client.predictions.create(
        task=task_id, result=choice(label), score=score, model_version=model_version
    ).id


_personal_access_tokens: dict[str, str | None] = {}


def personal_access_token(client, url: str) -> str | None:
    """Return the admin's Personal Access Token on the server at ``url``, creating it once.

    label-studio 1.23.2 rejects a second ``POST /api/token/`` for the same user with 409,
    so the token is cached per server for the whole test process. None when the server
    issues no PATs.
    """
    if url not in _personal_access_tokens:
        response = client._client_wrapper.httpx_client.request(
            "/api/token/", method="POST", json={}
        )
        _personal_access_tokens[url] = (
            response.json().get("token") if response.status_code < 400 else None
        )
    return _personal_access_tokens[url]
