"""One member per instance id: a replica started with an id a live member already holds is refused.

Static membership (``group.instance.id``) and the transactional id share the instance id, so two
replicas started with the same one would fence each other in a loop. Before it fences anything, a new
member looks for a member of its group holding its instance id; a crashed holder leaves the group
when its session times out, a live one keeps heartbeating and stays: then the newcomer refuses.

A static member's close() sends no LeaveGroup, so a member restarted inside the same process (after a
fence, by an in-process supervisor) would wait a whole session timeout behind its own closed predecessor.
Ids this process released by closing their consumer are known dead and claimed at once: static
membership hands the newcomer the departed member's place.
"""

from __future__ import annotations

import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from engine.errors import GovernorError
from engine.kafka import config
from engine.settings import Settings

MARGIN_SECONDS = 3.0
_released: set[tuple[str, str]] = set()


class DuplicateInstance(GovernorError):
    """Another live member of the group holds this member's instance id."""


def holder(admin: AdminClient, group: str, instance_id: str) -> str | None:
    """The client id and host of the member holding ``instance_id`` in ``group``, or None."""
    try:
        description = admin.describe_consumer_groups([group], request_timeout=10)[group].result()
    except KafkaException:
        return None  # no such group yet (or the coordinator is moving): nobody holds the id
    for member in description.members:
        if member.group_instance_id == instance_id:
            return f"{member.client_id}@{member.host}"
    return None


def release(group: str, instance_id: str) -> None:
    """This process closed the consumer that held ``instance_id``: nothing alive holds it any more."""
    _released.add((group, instance_id))


def claim(settings: Settings, group: str, instance_id: str, session_timeout_s: float) -> None:
    """Return once no other member holds ``instance_id`` (a crashed one times out); raise if a live one
    still holds it after a whole session timeout."""
    if (group, instance_id) in _released:
        _released.discard((group, instance_id))
        return
    admin = AdminClient(config.common(settings))
    deadline = time.monotonic() + session_timeout_s + MARGIN_SECONDS
    while (found := holder(admin, group, instance_id)) is not None:
        if time.monotonic() > deadline:
            raise DuplicateInstance(
                f"group {group}: instance id {instance_id!r} is held by a live member ({found}); "
                "give each replica its own GOVERNOR_INSTANCE_ID"
            )
        time.sleep(1.0)
