"""Signed file links for logged-in users: one shared secret lets every replica accept them."""

from __future__ import annotations

import pytest

from assistant.access import AccessSettings
from ingest.errors import ConfigError
from ui.api.files import LinkGrants

DOC = "internal/brief.txt"


def _grant(link: str) -> str:
    return link.split("grant=", 1)[1].split("#", 1)[0]


def test_replicas_sharing_the_secret_accept_each_others_links() -> None:
    env = {"POLICY_QA_LINK_SECRET": "a-long-shared-secret-0123"}
    first, second = AccessSettings.from_env(env), AccessSettings.from_env(env)
    link = LinkGrants(first.link_secret).link(DOC, page=3)
    assert "#page=3" in link
    assert LinkGrants(second.link_secret).allows(DOC, _grant(link))
    assert not LinkGrants(second.link_secret).allows("other.txt", _grant(link))
    assert first.redacted()["link_secret"] == "set"
    assert "a-long-shared-secret" not in repr(first) + str(first.redacted())


def test_without_a_shared_secret_each_process_signs_its_own() -> None:
    one, other = AccessSettings.from_env({}), AccessSettings.from_env({})
    link = LinkGrants(one.link_secret).link(DOC)
    assert LinkGrants(one.link_secret).allows(DOC, _grant(link))
    assert not LinkGrants(other.link_secret).allows(DOC, _grant(link))
    assert one.redacted()["link_secret"] == "per process"


def test_a_short_secret_is_a_bilingual_config_error() -> None:
    with pytest.raises(ConfigError) as error:
        AccessSettings.from_env({"POLICY_QA_LINK_SECRET": "short"})
    assert "POLICY_QA_LINK_SECRET" in str(error.value) and "至少" in str(error.value)
