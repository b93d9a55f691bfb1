"""TLS certificates for the dev and test brokers: a certificate authority and a broker certificate.

Made with ``cryptography`` (a test and dev dependency, not shipped): EC P-256 keys, generated in
milliseconds, which both the broker's JVM (PEM key store, KIP-651) and Python's ``ssl`` take.

:func:`make_ca` writes ``<name>.pem`` (the CA certificate, what a client's ``ssl_cafile`` names) and
keeps its key in memory; :func:`make_broker_certificate` writes one PEM file holding the broker's
private key (unencrypted PKCS#8) and its certificate chain, for ``localhost`` and ``127.0.0.1``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA: its certificate file (for clients' ``ssl_cafile``) and its key (to sign with)."""

    cert_file: Path
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rentaldesk dev"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _validity(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.timezone.utc)
    # a day back: a clock a little behind on the client must not find the certificate "not yet valid"
    return builder.not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))


def make_ca(directory: Path, name: str = "ca") -> CertificateAuthority:
    """A new self-signed CA; its certificate is written to ``directory/<name>.pem``."""
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(f"rentaldesk dev CA ({name})")
    builder = _validity(x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                        .public_key(key.public_key()).serial_number(x509.random_serial_number()))
    cert = (builder
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    path = directory / f"{name}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return CertificateAuthority(path, cert, key)


def make_broker_certificate(ca: CertificateAuthority, directory: Path, name: str = "broker",
                            hosts: tuple[str, ...] = ("localhost", "127.0.0.1")) -> Path:
    """A broker certificate signed by ``ca`` for ``hosts`` (names and IP addresses in its subject
    alternative names, which is what clients check); returns the PEM file with key and chain."""
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    builder = _validity(x509.CertificateBuilder().subject_name(_name(hosts[0])).issuer_name(ca.certificate.subject)
                        .public_key(key.public_key()).serial_number(x509.random_serial_number()))
    cert = (builder
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
            .sign(ca.key, hashes.SHA256()))
    path = directory / f"{name}.pem"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    pem += cert.public_bytes(serialization.Encoding.PEM) + ca.certificate.public_bytes(serialization.Encoding.PEM)
    path.write_bytes(pem)
    path.chmod(0o600)  # it holds the broker's private key
    return path
