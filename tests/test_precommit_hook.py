"""The pre-commit hook, used the way another TEI project would: from a scratch git
repository whose .pre-commit-config.yaml names teikit and the hook id."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, SEED_TEI, need_tool

INVALID = REPO / "tests" / "data" / "invalid"


def test_hook_manifest_names_teikit_validate():
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "teikit-validate" and hook["entry"] == "teikit validate"
    assert hook["language"] == "python" and "xml" in hook["types"]


def test_hook_validates_a_scratch_repository(tmp_path):
    git = need_tool("git", "git")
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert pre_commit, "pre-commit is a test dependency (pip install '.[test]')"
    head = subprocess.run([git, "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert head.returncode == 0, f"{REPO} must be a git checkout to test the hook: {head.stderr}"
    scratch = tmp_path / "project"
    scratch.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run([git, "init", "-q"], cwd=scratch, check=True, env=env)
    # the two lines of configuration a TEI project adds (plus pre-commit's own boilerplate)
    (scratch / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {REPO}\n  rev: {head.stdout.strip()}\n  hooks: [{{id: teikit-validate}}]\n", encoding="utf-8")
    shutil.copy(SEED_TEI, scratch / "good.xml")
    (scratch / "notes.txt").write_text("not XML, not validated\n")
    subprocess.run([git, "add", "."], cwd=scratch, check=True, env=env)

    ok = subprocess.run([pre_commit, "run", "--all-files"], cwd=scratch, capture_output=True, text=True,
                        env=env, timeout=900)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "teikit validate" in ok.stdout and "Passed" in ok.stdout

    shutil.copy(INVALID / "sch-page-backwards.xml", scratch / "bad.xml")
    subprocess.run([git, "add", "bad.xml"], cwd=scratch, check=True, env=env)
    bad = subprocess.run([pre_commit, "run", "--all-files"], cwd=scratch, capture_output=True, text=True,
                         env=env, timeout=900)
    assert bad.returncode == 1
    assert "Failed" in bad.stdout
    assert "bad.xml:25:9: error: page 10 comes after page 12" in bad.stdout
