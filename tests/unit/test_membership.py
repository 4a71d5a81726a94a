"""A member restarted inside the same process claims the id its closed predecessor released at once."""

from __future__ import annotations

import pytest

from engine.errors import ConfigError
from engine.pipeline import membership
from engine.settings import Settings


def test_an_id_released_by_this_process_is_claimed_without_asking_the_group() -> None:
    nowhere = Settings(bootstrap_servers="")  # asking the group would fail: no Kafka configured
    membership.release("g", "stage-0")
    membership.claim(nowhere, "g", "stage-0", session_timeout_s=15)  # returns at once
    with pytest.raises(ConfigError):  # released once: a second claim asks the group again
        membership.claim(nowhere, "g", "stage-0", session_timeout_s=15)
