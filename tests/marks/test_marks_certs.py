"""Signing credentials: a local root + leaf made once (0600 keys, reused, one CA under concurrency), or the
operator's own certificate."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from marks_helpers import make_prov, poster

from imagegen.provenance.marks.certs import (
    ENV_CERT,
    ENV_KEY,
    LEAF_CERT,
    LEAF_KEY,
    ROOT_CERT,
    ROOT_KEY,
    Signer,
    load_or_create_signer,
)
from imagegen.provenance.marks.inspect import inspect_file
from imagegen.provenance.marks.marking import mark


def test_first_start_creates_root_and_leaf_with_private_keys_0600(keys_dir: Path) -> None:
    signer = load_or_create_signer(keys_dir)
    assert signer.created
    for name in (ROOT_KEY, LEAF_KEY):
        assert stat.S_IMODE(os.stat(keys_dir / name).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(keys_dir).st_mode) == 0o700
    assert (keys_dir / ROOT_CERT).read_text() == signer.root_cert_pem
    assert not any(p.name.startswith(".") and p.name != ".lock" for p in keys_dir.iterdir())


def test_leaf_has_the_extensions_c2pa_requires(keys_dir: Path) -> None:
    signer = load_or_create_signer(keys_dir)
    chain = x509.load_pem_x509_certificates(signer.cert_chain_pem)
    leaf, root = chain[0], x509.load_pem_x509_certificate(signer.root_cert_pem.encode())
    assert leaf.version == x509.Version.v3
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.EMAIL_PROTECTION]
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert leaf.issuer == root.subject
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days > 365 * 30


def test_second_start_reuses_the_same_keys(keys_dir: Path) -> None:
    first = load_or_create_signer(keys_dir)
    second = load_or_create_signer(keys_dir)
    assert not second.created
    assert second.cert_chain_pem == first.cert_chain_pem
    assert second.private_key_pem == first.private_key_pem


def test_concurrent_first_start_yields_one_ca(keys_dir: Path) -> None:
    # everyone waits for the same instant, so the creations really race
    start_at = time.time() + 2.0
    code = (
        "import hashlib, sys, time; from pathlib import Path;"
        "from imagegen.provenance.marks.certs import load_or_create_signer;"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()));"
        "s = load_or_create_signer(Path(sys.argv[1]));"
        "print(hashlib.sha256(s.root_cert_pem.encode() + s.cert_chain_pem).hexdigest())"
    )
    env = {k: v for k, v in os.environ.items() if k not in (ENV_CERT, ENV_KEY)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(keys_dir), str(start_at)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]

    def racer(_: int) -> Signer:
        time.sleep(max(0.0, start_at - time.time()))
        return load_or_create_signer(keys_dir)

    with ThreadPoolExecutor(4) as pool:
        in_threads = list(pool.map(racer, range(4)))
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    digests = set(outs) | {
        hashlib.sha256(s.root_cert_pem.encode() + s.cert_chain_pem).hexdigest() for s in in_threads
    }
    assert len(digests) == 1
    assert sum(s.created for s in in_threads) <= 1
    assert (keys_dir / ROOT_CERT).read_text() == in_threads[0].root_cert_pem


def test_operator_certificate_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the operator's chain: made by another "installation" here, configured by path
    theirs = load_or_create_signer(tmp_path / "operator-ca")
    monkeypatch.setenv(ENV_CERT, str(tmp_path / "operator-ca" / LEAF_CERT))
    monkeypatch.setenv(ENV_KEY, str(tmp_path / "operator-ca" / LEAF_KEY))
    signer = load_or_create_signer(tmp_path / "keys")
    assert signer.cert_chain_pem == theirs.cert_chain_pem
    assert signer.root_cert_pem == theirs.root_cert_pem
    assert signer.alg == "es256" and not signer.created
    assert not (tmp_path / "keys" / ROOT_CERT).exists()
    # and it signs: Trusted under the operator's root
    data = mark(poster(256, 256), output_format="png", compression=100, prov=make_prov(), signer=signer).data
    report = inspect_file(data, trust_anchors_pem=theirs.root_cert_pem, decode_watermark=False)
    assert report.c2pa.validation_state == "Trusted"


def test_operator_certificate_needs_both_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_CERT, str(tmp_path / "cert.pem"))
    with pytest.raises(ValueError, match="IMAGEGEN_SIGNING_KEY"):
        load_or_create_signer(tmp_path / "keys")
