"""Writers racing and writers killed: real `policy-qa ingest` processes, checked by `check`.

Before the registry protocol, two concurrent ingests of different versions of one document
left it with 0 records in 10 of 10 rounds. Here: 20 rounds on an embedded store (the writer
lock serialises them), a few rounds on a `chroma run` server with a separate data dir per
writer (no shared lock file, as on two machines: only the registry protocol protects them),
and a SIGKILL at every phase of a write followed by a re-ingest.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.chroma_server import ChromaServer, chroma_cli
from tests.concurrency import (
    DOC_NAME,
    check_report,
    cli_env,
    documents,
    kill_paused,
    run,
    seed_cache,
    start,
    version_dirs,
)
from vectorstore.faultpoints import PHASES
from vectorstore.settings import StoreSettings

RACE_ROUNDS = 20
SERVER_ROUNDS = 4


def race_round(env_a: dict[str, str], env_b: dict[str, str], dir_a: Path, dir_b: Path) -> None:
    """Ingest version A and version B of one document at the same time; both must succeed."""
    first = start(["ingest", str(dir_a)], env_a)
    second = start(["ingest", str(dir_b)], env_b)
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err, err


def assert_consistent_and_not_lost(env: dict[str, str]) -> None:
    """`policy-qa check` says consistent, and the only document is there with its records."""
    code, report = check_report(env)
    assert code == 0 and report["consistent"], report["problems"]
    assert report["documents"] == 1, "the document was lost"
    assert report["records"] >= 3


@pytest.mark.race
@pytest.mark.timeout(3600)  # about 4 minutes on an idle 2-core machine; far more when shared
def test_two_ingests_of_two_versions_never_lose_the_document(tmp_path: Path) -> None:
    dir_a, dir_b = version_dirs(tmp_path / "docs")
    data_dir = tmp_path / "data"
    seed_cache(data_dir)
    env = cli_env(data_dir)
    for folder in (dir_a, dir_b):  # embed both versions once; the rounds then cost no model time
        assert run(["ingest", str(folder)], env).returncode == 0
    for _ in range(RACE_ROUNDS):
        race_round(env, env, dir_a, dir_b)
        assert_consistent_and_not_lost(env)
    assert DOC_NAME in documents(env)


@pytest.mark.race
@pytest.mark.server
@pytest.mark.skipif(chroma_cli() is None, reason="the chroma CLI is not installed")
def test_two_machines_sharing_a_chroma_server_never_lose_the_document(tmp_path: Path) -> None:
    """Each writer has its own data dir (own lock file, own cache): only the registry protects."""
    dir_a, dir_b = version_dirs(tmp_path / "docs")
    with ChromaServer(tmp_path / "chroma-server") as server:
        envs = []
        for name in ("machine-a", "machine-b"):
            seed_cache(tmp_path / name)
            envs.append(cli_env(tmp_path / name, **server.env))
        env_a, env_b = envs
        assert run(["ingest", str(dir_a)], env_a).returncode == 0
        assert run(["ingest", str(dir_b)], env_b).returncode == 0
        assert run(["ingest", str(dir_a)], env_b).returncode == 0
        for _ in range(SERVER_ROUNDS):
            race_round(env_a, env_b, dir_a, dir_b)
            assert_consistent_and_not_lost(env_a)
        assert DOC_NAME in documents(env_b)


# Before the re-ingest: what `check` must say about a writer killed at each phase.
PROBLEMS_AFTER_KILL = {
    "embedding": set(),  # nothing written yet
    "store-write": {"orphan"},  # some records of the new version, never registered
    "registry-switch": {"orphan"},  # all records written, not registered
    "cleanup": {"superseded"},  # registered; the old version not yet deleted
}


@pytest.mark.race
@pytest.mark.timeout(2400)  # seven CLI runs over 003; minutes when the machine is shared
@pytest.mark.parametrize("phase", PHASES)
def test_kill_at_every_phase_then_reingest_is_consistent(
    tmp_path: Path, corpus_dir: Path, indexed_settings: StoreSettings, phase: str
) -> None:
    """SIGKILL while replacing 003 (292 chunks: three write batches) by an edited version.

    The session's embedding cache (kept when the session index was built) holds 003's vectors,
    so only the edited paragraph is embedded.
    """
    original = next(corpus_dir.glob("003_*.txt"))
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    shutil.copy(original, old_dir / original.name)
    edited = original.read_text(encoding="utf-8") + "\n附：本规划由黄埔区科技局负责解释。\n"
    (new_dir / original.name).write_text(edited, encoding="utf-8")
    data_dir = tmp_path / "data"
    seed_cache(data_dir)
    env = cli_env(data_dir)
    assert run(["ingest", str(old_dir)], env).returncode == 0
    before = documents(env)[original.name]

    kill_paused(["ingest", str(new_dir)], env, phase)

    # Killed before its commit point the old version is still complete and current; killed
    # after it, the new one is. Either way nothing is lost, and the lock died with the writer.
    after_kill = documents(env)[original.name]
    if phase == "cleanup":
        assert after_kill["version"] != before["version"]
    else:
        assert after_kill == before
    code, report = check_report(env)
    assert {p["kind"] for p in report["problems"]} == PROBLEMS_AFTER_KILL[phase]
    assert code == (1 if PROBLEMS_AFTER_KILL[phase] else 0)

    again = run(["ingest", str(new_dir)], env)
    assert again.returncode == 0, again.stderr
    code, report = check_report(env)
    assert code == 0, report["problems"]
    assert documents(env)[original.name]["version"] != before["version"]
