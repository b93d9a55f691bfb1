"""Why a secured broker would not let a process in, in one line a person can act on.

kafka-python reports a refused TLS handshake or SASL login as a bootstrap timeout (the broker
closes the socket after a failed SCRAM exchange; the client retries until its timeout), so the
cause is lost. :func:`explain_failure` finds it again: it tries the TLS handshake itself with the
settings' CA file (a certificate the client does not trust is named as such), and when TLS is fine
and the broker answers, a SASL client that still could not bootstrap had its login refused.
"""

from __future__ import annotations

import socket
import ssl

from kafka.errors import AuthorizationError, KafkaError

from ..config import KafkaSettings


class BrokerAccessError(KafkaError):  # type: ignore[misc]  # kafka-python is untyped; a KafkaError so every `except KafkaError` still catches it
    """The broker is there but refuses this process: its certificate is not trusted, the login
    is refused, or the user's ACLs do not allow what it asked. The message says which."""

    def __str__(self) -> str:  # the message alone (KafkaError puts its class name in front)
        return str(self.args[0]) if self.args else type(self).__name__


def _first_broker(settings: KafkaSettings) -> tuple[str, int] | None:
    for entry in settings.bootstrap.split(","):
        host, _, port = entry.strip().rpartition(":")
        if host and port.isdigit():
            return host.strip("[]"), int(port)
    return None


def tls_problem(settings: KafkaSettings, timeout: float = 3.0) -> str | None:
    """For settings with TLS (``SSL``, ``SASL_SSL``): why a TLS handshake with the first broker
    fails, or None (it succeeds, the broker cannot be reached at all, or there is no TLS)."""
    if "SSL" not in settings.security_protocol.upper():
        return None
    address = _first_broker(settings)
    if address is None:
        return None
    host, port = address
    try:
        context = ssl.create_default_context(cafile=settings.ssl_cafile)
        if settings.ssl_certfile:
            context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile)
    except (OSError, ssl.SSLError) as exc:
        return f"the TLS files cannot be used ({exc})"
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host):
            return None
    except ssl.SSLCertVerificationError as exc:
        trusted = f"the CA in ssl_cafile {settings.ssl_cafile}" if settings.ssl_cafile else "the system's CAs"
        return (f"the broker {host}:{port}'s certificate is not trusted by {trusted} "
                f"({exc.verify_message}); set ssl_cafile to the CA that signed the broker's certificate")
    except ssl.SSLError as exc:
        return f"the TLS handshake with the broker {host}:{port} failed ({exc.reason or exc}); is it a TLS listener?"
    except OSError:
        return None  # not reachable: the caller's own message says so


def _answers(settings: KafkaSettings, timeout: float = 3.0) -> bool:
    address = _first_broker(settings)
    if address is None:
        return False
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except OSError:
        return False


def explain_failure(settings: KafkaSettings, exc: BaseException) -> str:
    """One line on why a client with ``settings`` failed with ``exc``: a refusal by the broker
    (certificate, login, ACL) named as such, else the client's own words."""
    if isinstance(exc, BrokerAccessError):
        return str(exc)
    user = settings.sasl_username or "(no user)"
    if isinstance(exc, AuthorizationError):
        return (f"the broker refused user '{user}': {type(exc).__name__} ({exc}); "
                "its ACLs do not allow this (see `rentaldesk kafka acls --print`)")
    problem = tls_problem(settings)
    if problem is not None:
        return problem
    if settings.security_protocol.upper().startswith("SASL") and _answers(settings):
        return (f"the broker {settings.bootstrap} refused the {settings.sasl_mechanism or 'SASL'} login of user "
                f"'{user}': wrong password or unknown user (sasl_username, sasl_password)")
    return str(exc) or type(exc).__name__
