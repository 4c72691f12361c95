"""The deploy: least privilege in the Pages workflow, and installs that are the same everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def workflow() -> dict:
    text = WORKFLOW.read_text(encoding="utf-8")
    # YAML reads the key `on` as True
    return {("on" if key is True else key): value for key, value in yaml.safe_load(text).items()}


def steps(job: str) -> list[dict]:
    return workflow()["jobs"][job]["steps"]


def test_the_workflow_reads_only_and_the_deploy_job_alone_may_publish():
    flow = workflow()
    assert flow["permissions"] == {"contents": "read"}
    writers = {name for name, job in flow["jobs"].items()
               if any(v == "write" for v in (job.get("permissions") or {}).values())}
    assert writers == {"deploy"}
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_the_deploy_job_runs_no_code_but_the_deploy_action():
    """Third-party packages (installed and run by the test and build jobs) never hold deploy rights."""
    (step,) = steps("deploy")
    assert step["uses"].startswith("actions/deploy-pages@") and "run" not in step


def test_actions_are_pinned_by_commit_with_their_tag_in_a_comment():
    uses = re.findall(r"uses:\s*(\S+)(.*)", WORKFLOW.read_text(encoding="utf-8"))
    assert len(uses) >= 6
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"{action} is not pinned by commit"
        assert re.fullmatch(r"\s*# v\d+(\.\d+)*", comment), f"{action}: say which tag the commit is"


def test_checkouts_keep_no_token():
    for name, job in workflow()["jobs"].items():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name


def test_no_deploy_is_cancelled_midway():
    flow = workflow()
    assert "concurrency" not in flow, "a workflow-wide group would cancel deploys with the tests"
    assert flow["jobs"]["deploy"]["concurrency"]["cancel-in-progress"] is False


def test_ci_and_the_deploy_build_with_the_readmes_commands():
    assert {"run": "make test"} in steps("test") and any(s.get("run") == "make build" for s in steps("build"))


def locked() -> dict[str, list[str]]:
    """Package → the versions requirements.lock pins (one per Python where they differ)."""
    pins: dict[str, list[str]] = {}
    for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M):
        pins.setdefault(re.sub(r"[-_.]+", "-", name).lower(), []).append(version)
    return pins


def test_every_requirement_is_locked_with_hashes_and_within_its_range():
    """requirements.lock is what pyproject.toml asks for (`make lock` after an edit), every pin hashed."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = locked()
    for line in project["dependencies"] + project["optional-dependencies"]["test"]:
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is not in requirements.lock: run make lock"
        assert all(version in requirement.specifier for version in pins[name]), f"{name} {pins[name]} ∉ {requirement}"
    text = (ROOT / "requirements.lock").read_text()
    hashed = re.findall(r"^[A-Za-z0-9_.-]+==[^\n]*\\\n\s+--hash=sha256:[0-9a-f]{64}", text, re.M)
    assert len(hashed) == sum(len(v) for v in pins.values())


def test_every_install_takes_the_lock_with_its_hashes():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("$(STAMP):"):makefile.index("\n\n", makefile.index("$(STAMP):"))]
    assert "--require-hashes -r requirements.lock" in recipe and "--require-hashes -r requirements-uv.lock" in recipe
    assert "--no-deps -e ." in recipe, "the project itself adds no unlocked package"
