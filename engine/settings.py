"""One typed, frozen settings object: GOVERNOR_* environment variables, or a YAML file (GOVERNOR_CONFIG)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from engine.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent


# Every stage and gate, each its own consumer group (`governor run STAGE`).
STAGES = ("admission", "release", "augment", "infer", "workflow", "cdc", "data")


class Topics(BaseModel):
    """Topic names; the defaults follow the design note. Each must have a contract in contracts/."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    docs_raw: str = "docs.raw"
    docs_quarantine: str = "docs.quarantine"
    prompts_requested: str = "prompts.requested"
    prompts_admitted: str = "prompts.admitted"
    answers_draft: str = "answers.draft"
    answers_approved: str = "answers.approved"
    answers_rejected: str = "answers.rejected"
    requests_status: str = "requests.status"
    workflow_applications: str = "workflow.applications"
    workflow_facts: str = "workflow.facts"
    workflow_questions: str = "workflow.questions"
    cdc_articles: str = "cdc.articles"
    dlq: str = "governance.dlq"
    audit: str = "governance.audit"


class Settings(BaseSettings):
    """Everything Governor can be told. Unset Kafka/OPA addresses mean: use the local stack."""

    model_config = SettingsConfigDict(
        env_prefix="GOVERNOR_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    # Where to find Kafka and OPA. None -> the local stack started by `governor stack up`.
    bootstrap_servers: str | None = None
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_ca_location: Path | None = None
    # mTLS: the client's certificate and key (PEM); the key's password when it is encrypted.
    ssl_certificate_location: Path | None = None
    ssl_key_location: Path | None = None
    ssl_key_password: SecretStr | None = None
    # OAUTHBEARER through an OIDC token endpoint (client credentials), fetched and refreshed by librdkafka.
    sasl_oauthbearer_token_endpoint_url: str | None = None
    sasl_oauthbearer_client_id: str | None = None
    sasl_oauthbearer_client_secret: SecretStr | None = None
    sasl_oauthbearer_scope: str | None = None
    opa_url: str | None = None
    opa_token: SecretStr | None = None  # bearer token OPA requires (the local stack's: generated)
    opa_timeout_seconds: float = 5.0
    opa_retries: int = 4
    opa_backoff_seconds: float = 0.25

    topics: Topics = Field(default_factory=Topics)
    group_prefix: str = "governor"
    # Distinguishes members of one stage's group; keeps transactional.id stable across restarts so a
    # restarted member fences its predecessor and aborts its open transaction at once.
    instance_id: str = "0"
    # A transaction holds up to batch_size records: the first waited for up to batch_timeout_seconds, the
    # rest drained from what has already arrived for at most batch_linger_seconds.
    batch_size: int = 1000
    batch_timeout_seconds: float = 0.2
    batch_linger_seconds: float = 0.05
    transaction_timeout_ms: int = 30000
    # librdkafka debug contexts for every client (e.g. "eos,cgrp,broker"), logged to stderr: for finding
    # why a member waits, not for production.
    kafka_debug: str = ""

    contracts_dir: Path = REPO_ROOT / "contracts"
    policies_dir: Path = REPO_ROOT / "policies"
    cache_dir: Path = Field(
        default_factory=lambda: Path(os.environ.get("GOVERNOR_CACHE", "~/.cache/governor")).expanduser()
    )
    stack_name: str = "default"
    # Signing keys (release gate, submitting apps): default <cache_dir>/keys, private files mode 0600.
    keys_dir: Path | None = None
    # The release gate's public keys (JWKS, as `governor keys show` prints it) for readers elsewhere;
    # unset: the public halves of the keys in keys_dir.
    approval_keys: Path | None = None
    metrics_port: int = 0

    # Models: "local" runs the packaged models in-process; "openai" talks to an OpenAI-compatible server.
    embedding_backend: Literal["local", "openai"] = "local"
    embedding_url: str | None = None
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_dimension: int = 384  # what the remote model returns; the local MiniLM is 384
    embedding_api_key: SecretStr | None = None
    llm_backend: Literal["local", "openai"] = "local"
    llm_url: str | None = None
    llm_model: str = "SmolLM2-135M-Instruct"
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = 60.0
    llm_max_tokens: int = 120
    llm_threads: int = 2  # CPU threads for the local model
    llm_concurrency: int = 4
    # Optional claim judge for grounding (served to tenants whose policy requires it): any OpenAI-compatible
    # /chat/completions endpoint; unset, grounding runs its cheap checks only.
    judge_url: str | None = None
    judge_model: str = "gpt-4o-mini"
    judge_api_key: SecretStr | None = None
    judge_timeout_seconds: float = 30.0
    # "confirm": the judge sees the claims the cheap checks let stand and can only object (strict tenants);
    # "decide": its label is the outcome of every claim no passage restates word for word (an entailment
    # model that tells a paraphrase from a wrong answer, which the lexical rules cannot).
    judge_role: Literal["confirm", "decide"] = "confirm"
    vector_store_url: str | None = None  # Qdrant server; None -> the embedded store at vector_store_path
    vector_store_path: Path | None = None  # default: <cache_dir>/vectors/<stack_name>
    retrieval_k: int = 3
    max_answer_chars: int = 2000

    # Governed SQL over the operational database. None -> the local stack's PostgreSQL (read-only role).
    postgres_conninfo: SecretStr | None = None  # libpq string for the read-only role of another database
    sql_catalog: Path = REPO_ROOT / "demo" / "operational" / "catalog.yaml"
    sql_max_rows: int = 50
    sql_timeout_ms: int = 2000

    @property
    def run_dir(self) -> Path:
        return self.cache_dir / "run" / self.stack_name

    @property
    def keys_path(self) -> Path:
        return self.keys_dir or self.cache_dir / "keys"

    def group(self, stage: str) -> str:
        return f"{self.group_prefix}.{stage}"

    def transactional_id(self, stage: str) -> str:
        return f"{self.group_prefix}.{stage}.{self.instance_id}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlFileSource(settings_cls))


class _YamlFileSource(PydanticBaseSettingsSource):
    """Optional YAML file named by GOVERNOR_CONFIG; environment variables win over it."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get("GOVERNOR_CONFIG")
        if not path:
            return {}
        try:
            data = yaml.safe_load(Path(path).read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"GOVERNOR_CONFIG={path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"GOVERNOR_CONFIG={path}: expected a mapping of setting names to values")
        return data


# GOVERNOR_* variables read by the scripts and tests rather than by Settings.
_OTHER_ENV_VARS = frozenset(
    {
        "GOVERNOR_CACHE",
        "GOVERNOR_CONFIG",
        "GOVERNOR_ROOT",
        "GOVERNOR_VENV",
        "GOVERNOR_TEST_BOOTSTRAP",
        "GOVERNOR_TEST_OPA_URL",
        "GOVERNOR_TEST_SASL_USERNAME",
        "GOVERNOR_TEST_SASL_PASSWORD",
        "GOVERNOR_TEST_OPA_TOKEN",
    }
)


def _known_env_vars() -> set[str]:
    names = {f"GOVERNOR_{name.upper()}" for name in Settings.model_fields}
    names |= {f"GOVERNOR_TOPICS__{name.upper()}" for name in Topics.model_fields}
    return names | _OTHER_ENV_VARS


def _check_env_names() -> None:
    """A misspelt GOVERNOR_* variable would otherwise be ignored silently (the default used instead)."""
    known = _known_env_vars()
    for name in sorted(os.environ):
        upper = name.upper()  # pydantic-settings matches names case-insensitively
        if upper.startswith("GOVERNOR_") and upper not in known:
            close = difflib.get_close_matches(upper, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ConfigError(f"unknown setting in the environment: {name}{hint}")


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and file, with explicit overrides; a bad value names the setting."""
    from pydantic import ValidationError

    _check_env_names()
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"GOVERNOR_{'__'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
