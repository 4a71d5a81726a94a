"""One root exception type; every error Governor raises on purpose derives from it."""


class GovernorError(Exception):
    """Root of Governor's own errors."""


class ConfigError(GovernorError):
    """A setting, file or tool needed to run is missing or wrong."""


class ContractError(GovernorError):
    """A contract file is broken, or an event violates its contract."""


class ContractViolation(ContractError):
    """An event does not satisfy its contract; names the contract, JSON path and rule."""

    def __init__(self, contract: str, path: str, rule: str, message: str) -> None:
        self.contract, self.path, self.rule = contract, path, rule
        super().__init__(f"{contract}: {path}: {rule}: {message}")


class InfrastructureUnavailable(GovernorError):
    """A service a check needs (a model, an embedding endpoint, a store, OPA) cannot answer now. Never an
    outcome for the message that met it: the stage rewinds the batch and waits for the service."""


class PolicyUnavailable(InfrastructureUnavailable):
    """OPA could not be reached or gave no usable answer after retries."""


class PolicyMalformed(GovernorError):
    """OPA answered, but not with one well-formed decision per input."""


class StackError(GovernorError):
    """The local Kafka/OPA/Prometheus stack could not be installed or started."""
