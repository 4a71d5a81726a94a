"""External clusters: mTLS and OAUTHBEARER settings reach librdkafka; half a configuration is refused
with the setting named, never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from engine.errors import ConfigError
from engine.kafka import config
from engine.settings import Settings


def test_mtls_settings_reach_librdkafka() -> None:
    s = Settings(
        bootstrap_servers="127.0.0.1:1",
        security_protocol="SSL",
        ssl_certificate_location=Path("/etc/gov/client.pem"),
        ssl_key_location=Path("/etc/gov/client.key"),
        ssl_key_password=SecretStr("key-secret"),
    )
    conf = config.common(s)
    assert conf["ssl.certificate.location"] == "/etc/gov/client.pem"
    assert conf["ssl.key.location"] == "/etc/gov/client.key"
    assert conf["ssl.key.password"] == "key-secret"


def test_half_an_mtls_configuration_is_refused() -> None:
    s = Settings(bootstrap_servers="127.0.0.1:1", security_protocol="SSL", ssl_key_location=Path("k"))
    with pytest.raises(ConfigError, match="GOVERNOR_SSL_CERTIFICATE_LOCATION"):
        config.common(s)


def test_oauthbearer_settings_reach_librdkafka() -> None:
    s = Settings(
        bootstrap_servers="127.0.0.1:1",
        security_protocol="SASL_SSL",
        sasl_mechanism="OAUTHBEARER",
        sasl_oauthbearer_token_endpoint_url="https://idp.example/token",
        sasl_oauthbearer_client_id="governor-release",
        sasl_oauthbearer_client_secret=SecretStr("oidc-secret"),
        sasl_oauthbearer_scope="kafka",
    )
    conf = config.common(s)
    assert conf["sasl.oauthbearer.method"] == "oidc" and conf["sasl.oauthbearer.scope"] == "kafka"
    assert conf["sasl.oauthbearer.client.secret"] == "oidc-secret"
    assert conf["sasl.oauthbearer.token.endpoint.url"] == "https://idp.example/token"


def test_oauthbearer_without_its_secret_names_the_setting_not_a_value() -> None:
    s = Settings(
        bootstrap_servers="127.0.0.1:1",
        sasl_mechanism="OAUTHBEARER",
        sasl_oauthbearer_token_endpoint_url="https://idp.example/token",
        sasl_oauthbearer_client_id="governor-release",
    )
    with pytest.raises(ConfigError, match="GOVERNOR_SASL_OAUTHBEARER_CLIENT_SECRET"):
        config.common(s)
