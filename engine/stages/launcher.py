"""Builds the transactional processor for any stage name; the CLI's `run` and the demo use it."""

from __future__ import annotations

from engine.contracts.registry import ContractRegistry
from engine.kafka.processor import TransactionalProcessor
from engine.settings import Settings


def build(stage: str, settings: Settings, registry: ContractRegistry) -> TransactionalProcessor:
    if stage in ("admission", "release"):
        from engine import wiring
        from engine.gates import runner

        embed = wiring.embedder(settings).embed if stage == "release" else None
        return runner.build_processor(stage, settings, registry, embed=embed)
    if stage == "augment":
        from engine.stages import augment

        return augment.build_processor(settings, registry)
    if stage == "infer":
        from engine.stages import infer

        return infer.build_processor(settings, registry)
    if stage == "workflow":
        from engine.stages import workflow

        return workflow.build_processor(settings, registry)
    raise ValueError(f"unknown stage '{stage}'")
