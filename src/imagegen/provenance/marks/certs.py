"""Signing credentials for C2PA: a local root CA and a long-lived ES256 signing leaf, or the operator's own.

c2pa-python refuses a self-signed signer and leaves without the right extensions (FIELD-NOTES.md), so on first
use we mint a root (CA:TRUE) and a leaf (CA:FALSE, KeyUsage digitalSignature, EKU emailProtection,
AKI + SKI) with ``cryptography``. No timestamp authority is used (offline), so a manifest's verdict would turn
``Invalid`` when the leaf expires: both certificates are issued for decades.

Files in ``keys_dir`` (the directory is 0700, private keys 0600):
``root-ca.pem``, ``root-ca.key``, ``signer.pem`` (leaf then root), ``signer.key``.
Creation holds an exclusive ``flock`` on ``keys_dir/.lock`` and publishes each file by atomic rename, so two
processes (or threads) starting at once end up with one CA.

Operators bring their own certificate chain and key with ``IMAGEGEN_SIGNING_CERT`` / ``IMAGEGEN_SIGNING_KEY``
(PEM file paths; the chain leaf first), or the ``cert_path`` / ``key_path`` arguments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from imagegen.provenance.atomic_files import write_atomic

ROOT_CERT = "root-ca.pem"
ROOT_KEY = "root-ca.key"
LEAF_CERT = "signer.pem"
LEAF_KEY = "signer.key"
ROOT_YEARS = 50
LEAF_YEARS = 40
ENV_CERT = "IMAGEGEN_SIGNING_CERT"
ENV_KEY = "IMAGEGEN_SIGNING_KEY"


@dataclass(frozen=True)
class Signer:
    """Credentials that sign C2PA manifests (see ``c2pa_sign.sign_asset``).

    Plain bytes rather than a live ``c2pa.Signer``: a native signer is made per signature, so one ``Signer``
    value is safe to share between threads and worker processes.
    """

    #: PEM chain, signing leaf first (what C2PA embeds in the manifest)
    cert_chain_pem: bytes = field(repr=False)
    private_key_pem: bytes = field(repr=False)
    #: trust anchor for this chain: our local root, or the last certificate of an operator's chain
    root_cert_pem: str = field(repr=False)
    #: c2pa signing algorithm name
    alg: str = "es256"
    cert_path: Path | None = None
    key_path: Path | None = None
    #: True when this call minted the local CA and leaf
    created: bool = False

    @property
    def leaf(self) -> x509.Certificate:
        """The signing certificate."""
        return x509.load_pem_x509_certificates(self.cert_chain_pem)[0]


def load_or_create_signer(
    keys_dir: Path, *, cert_path: Path | None = None, key_path: Path | None = None
) -> Signer:
    """The signer for this installation: the operator's certificate if configured, else the local CA's leaf.

    ``cert_path``/``key_path`` win over ``IMAGEGEN_SIGNING_CERT``/``IMAGEGEN_SIGNING_KEY``; with neither,
    the local root + leaf in ``keys_dir`` are loaded, or created once (process- and thread-safe).
    """
    cert_path = cert_path or _env_path(ENV_CERT)
    key_path = key_path or _env_path(ENV_KEY)
    if (cert_path is None) != (key_path is None):
        raise ValueError(f"configure both {ENV_CERT} and {ENV_KEY} (certificate chain and private key)")
    if cert_path is not None and key_path is not None:
        return _load_operator_signer(Path(cert_path), Path(key_path))
    return _load_or_create_local(Path(keys_dir))


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _load_operator_signer(cert_path: Path, key_path: Path) -> Signer:
    chain_pem = cert_path.read_bytes()
    key_pem = key_path.read_bytes()
    chain = x509.load_pem_x509_certificates(chain_pem)
    # parse here so a bad file fails with a clear message rather than deep inside the native signer
    alg = _alg_for(serialization.load_pem_private_key(key_pem, password=None))
    return Signer(
        cert_chain_pem=chain_pem,
        private_key_pem=key_pem,
        root_cert_pem=chain[-1].public_bytes(serialization.Encoding.PEM).decode(),
        alg=alg,
        cert_path=cert_path,
        key_path=key_path,
    )


def _alg_for(key: object) -> str:
    """The c2pa algorithm name for an operator's private key."""
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    raise ValueError(f"unsupported signing key type {type(key).__name__}")


def _load_or_create_local(keys_dir: Path) -> Signer:
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    created = False
    if not _local_complete(keys_dir):
        with _exclusive(keys_dir / ".lock"):
            # re-check under the lock: another process may have finished while we waited
            if not _local_complete(keys_dir):
                _create_local(keys_dir)
                created = True
    chain_pem = (keys_dir / LEAF_CERT).read_bytes()
    return Signer(
        cert_chain_pem=chain_pem,
        private_key_pem=(keys_dir / LEAF_KEY).read_bytes(),
        root_cert_pem=(keys_dir / ROOT_CERT).read_text(),
        alg="es256",
        cert_path=keys_dir / LEAF_CERT,
        key_path=keys_dir / LEAF_KEY,
        created=created,
    )


def _local_complete(keys_dir: Path) -> bool:
    return all((keys_dir / name).is_file() for name in (ROOT_CERT, ROOT_KEY, LEAF_CERT, LEAF_KEY))


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "imagegen (local)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _create_local(keys_dir: Path) -> None:
    """Mint the root CA and the signing leaf; keys are written 0600, the root last (it marks completion)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    not_before = now - dt.timedelta(days=1)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(f"imagegen local root CA {now:%Y-%m-%d}")
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("imagegen content signer"))
        .issuer_name(root_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(now + dt.timedelta(days=365 * LEAF_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        # C2PA refuses leaves without EKU or with only serverAuth/anyEKU; emailProtection is accepted
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    pkcs8 = serialization.PrivateFormat.PKCS8
    plain = serialization.NoEncryption()
    write_atomic(keys_dir / ROOT_KEY, root_key.private_bytes(pem, pkcs8, plain), mode=0o600)
    write_atomic(keys_dir / LEAF_KEY, leaf_key.private_bytes(pem, pkcs8, plain), mode=0o600)
    write_atomic(keys_dir / LEAF_CERT, leaf.public_bytes(pem) + root.public_bytes(pem), mode=0o644)
    write_atomic(keys_dir / ROOT_CERT, root.public_bytes(pem), mode=0o644)
