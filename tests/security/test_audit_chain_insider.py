"""An insider with write access to the database tries to rewrite the audit log and re-compute the
chain so that `verify_audit` still says intact (docs/security.md, "An insider with database
access"). On PostgreSQL, where the append-only trigger is what the insider has to get around
(`SET session_replication_role = replica`).

- Without the key (AUDIT_CHAIN_KEY is not in the database), a chain re-computed with plain
  SHA-256 fails, whether the insider keeps the events before the edit keyed or re-hashes the
  whole chain from the start.
- With the key too, the re-computed chain passes on its own, but every signed PDF signed after
  the edited event carries the chain head of its signing, and `verify_audit --pdf …` /
  `--signed-documents` names the document that disproves the chain.
- Residual: an event written after the last signed document and then rewritten with the key is
  not caught by any PDF.
"""

from __future__ import annotations

import hashlib
import hmac
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from portal import audit
from portal.audit_anchor import KEY_LAST_HASH, KEY_LAST_ID, read_anchor
from portal.models import AuditChainHead, AuditEvent
from reports import rendering, signing
from tests.reports.conftest import signing_cert  # noqa: F401
from tests.reports.test_signing import SIGN_HTML, _signed_report, small_render  # noqa: F401
from units.models import Unit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="the insider's way around the append-only trigger is PostgreSQL's",
    ),
]


# --- The insider's tools --------------------------------------------------------------------------


def _as_replica(statements: list[tuple[str, list]]) -> None:
    """Run SQL with triggers off, as a database superuser can (the append-only trigger too)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def _edit(event_id: int, actor_name: str) -> None:
    _as_replica(
        [("UPDATE portal_auditevent SET actor_name = %s WHERE id = %s", [actor_name, event_id])]
    )


def _rechain(*, key: str | None, from_start: bool = False, after: int | None = None) -> None:
    """Re-compute every hash (from the first event, or from the first event after `after`) as the
    portal would, with HMAC when the insider holds `key`, else plain SHA-256 and no key id; then
    set the chain head to the new end."""
    events = list(AuditEvent.objects.order_by("id"))
    prev = audit.GENESIS
    updates = []
    for event in events:
        if from_start or after is None or event.pk > after:
            message = prev.encode() + b"\n" + audit.canonical(event)
            if key is None:
                kid, new = "", hashlib.sha256(message).hexdigest()
            else:
                kid, new = audit.key_id(key), hmac.new(key.encode(), message, hashlib.sha256)
                new = new.hexdigest()
            updates.append(
                (
                    "UPDATE portal_auditevent SET prev_hash = %s, hash = %s, key_id = %s "
                    "WHERE id = %s",
                    [prev, new, kid, event.pk],
                )
            )
            prev = new
        else:
            prev = event.hash
    updates.append(
        (
            "UPDATE portal_auditchainhead SET last_id = %s, last_hash = %s, count = %s",
            [events[-1].pk, prev, len(events)],
        )
    )
    _as_replica(updates)


def _verify(*args: str) -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


def _more_events(world, n: int = 3) -> None:
    for i in range(n):
        unit = Unit.objects.get(pk=world.commune_a.pk)
        unit.note = f"ghi chú {i}"
        unit.save()


def _sign_small_pdf() -> bytes:
    """A document signed now, as `sign_document` signs every report and decision."""
    content, _, box = rendering.html_to_pdf(SIGN_HTML)
    return signing.sign_document(
        content,
        person=signing.Person(name="Nguyễn Văn Thử", place="Đức Phổ"),
        body=signing.Body(name="Ủy ban nhân dân thị xã Đức Phổ"),
        page=box["page"],
        box=tuple(box["box"]),
    ).content


# --- Attack 1: the insider does not hold the key -------------------------------------------------


@pytest.mark.parametrize("from_start", [False, True], ids=["from-the-edit", "whole-chain"])
def test_a_chain_recomputed_without_the_key_fails(world, users, settings, from_start):
    victim = AuditEvent.objects.order_by("id")[2]
    assert victim.key_id == audit.key_id(settings.AUDIT_CHAIN_KEY)
    assert _verify()[0]
    _edit(victim.pk, "nguoi-khac")
    _rechain(key=None, from_start=from_start, after=victim.pk - 1)
    ok, report = _verify()
    assert not ok
    assert "KHÔNG toàn vẹn" in report
    # Named by the first event re-hashed without the key: the edited one, or the very first.
    first = AuditEvent.objects.order_by("id").first().pk if from_start else victim.pk
    assert f"HỎNG sự kiện #{first}: băm không có khóa" in report
    assert "chuỗi bị tính lại không khóa" in report


def test_a_deployment_keyed_late_accepts_its_old_events_and_nothing_unkeyed_after(world, settings):
    """Events written before the key (SHA-256, no key id) still verify up to the id recorded
    with the key; an unkeyed event after it, or after a keyed one, is a break."""
    key = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = ""
    _more_events(world, 2)  # chained with no key, like a deployment before this version
    legacy = AuditEvent.objects.order_by("id").last()
    assert legacy.key_id == ""
    # Re-hash everything as the old version would have: a deployment that never had a key.
    _rechain(key=None, from_start=True)
    assert _verify()[0]
    settings.AUDIT_CHAIN_KEY = key
    settings.AUDIT_CHAIN_UNKEYED_UNTIL = legacy.pk
    _more_events(world, 2)
    assert AuditEvent.objects.order_by("id").last().key_id == audit.key_id(key)
    ok, report = _verify()
    assert ok, report
    assert f"đến sự kiện #{legacy.pk}" in report
    # Without the recorded boundary, the same unkeyed past is what a re-chain would leave.
    settings.AUDIT_CHAIN_UNKEYED_UNTIL = 0
    assert not _verify()[0]


def test_a_rotated_key_still_verifies_the_events_it_made(world, settings):
    old = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "khoa-moi-cho-nhat-ky-" + "x" * 20
    _more_events(world, 2)
    settings.AUDIT_CHAIN_OLD_KEYS = [old]
    assert _verify()[0]
    settings.AUDIT_CHAIN_OLD_KEYS = []  # the old key forgotten: its events cannot be checked
    ok, report = _verify()
    assert not ok
    assert "không có trong AUDIT_CHAIN_KEY hay AUDIT_CHAIN_OLD_KEYS" in report


# --- Attack 2: the insider holds the key too; the signed PDFs disprove the chain ----------------


def test_a_chain_recomputed_with_the_key_is_caught_by_the_documents_signed_after_the_edit(
    world,
    users,
    settings,
    signing_cert,  # noqa: F811
    tmp_path,
):
    _more_events(world)
    victim = AuditEvent.objects.order_by("id")[1]
    first = tmp_path / "van-ban-1.pdf"
    first.write_bytes(_sign_small_pdf())
    _more_events(world)
    second = tmp_path / "van-ban-2.pdf"
    second.write_bytes(_sign_small_pdf())
    ok, report = _verify("--pdf", str(first), str(second))
    assert ok, report
    assert "2/2 văn bản đã ký khớp đầu chuỗi" in report

    _edit(victim.pk, "nguoi-khac")
    _rechain(key=settings.AUDIT_CHAIN_KEY, after=victim.pk - 1)
    # The chain alone is consistent again: the insider had the key.
    ok, report = _verify()
    assert ok, report
    # Each document signed after the edited event says the chain was rewritten.
    ok, report = _verify("--pdf", str(first), str(second))
    assert not ok
    for name in (first, second):
        assert f"HỎNG tệp {name}: văn bản này chứng minh nhật ký đã bị ghi lại" in report
    assert "đã bị ghi lại sau khi ký" in report


def test_an_event_written_after_the_last_signature_can_be_rewritten_unseen(
    world,
    settings,
    signing_cert,  # noqa: F811
    tmp_path,
):
    """The residual risk (docs/security.md): a document anchors only what came before it."""
    signed = tmp_path / "van-ban.pdf"
    signed.write_bytes(_sign_small_pdf())
    _more_events(world)
    late = AuditEvent.objects.order_by("id").last()
    _edit(late.pk, "nguoi-khac")
    _rechain(key=settings.AUDIT_CHAIN_KEY, after=late.pk - 1)
    ok, report = _verify("--pdf", str(signed))
    assert ok, report


def test_a_deleted_event_before_the_signature_is_caught_even_when_rechained(
    world,
    settings,
    signing_cert,  # noqa: F811
    tmp_path,
):
    _more_events(world)
    signed = tmp_path / "van-ban.pdf"
    signed.write_bytes(_sign_small_pdf())
    victim = AuditEvent.objects.order_by("id")[1]
    _as_replica([("DELETE FROM portal_auditevent WHERE id = %s", [victim.pk])])
    _rechain(key=settings.AUDIT_CHAIN_KEY, after=victim.pk - 1)
    assert _verify()[0]
    ok, report = _verify("--pdf", str(signed))
    assert not ok
    assert "văn bản này chứng minh nhật ký đã bị ghi lại" in report


def test_signed_documents_in_storage_are_checked_and_named(
    world,
    users,
    settings,
    small_render,  # noqa: F811
    signing_cert,  # noqa: F811
):
    """The report signed through the portal carries the head; `--signed-documents` reads every
    signed file from storage and names the one that disproves a rewrite."""
    victim = AuditEvent.objects.order_by("id")[1]
    report, signoff = _signed_report(world, users)
    ok, out = _verify("--signed-documents")
    assert ok, out
    assert "1/1 văn bản đã ký khớp đầu chuỗi" in out
    _edit(victim.pk, "nguoi-khac")
    _rechain(key=settings.AUDIT_CHAIN_KEY, after=victim.pk - 1)
    ok, out = _verify("--signed-documents")
    assert not ok
    assert f"HỎNG văn bản “{report.title}”" in out
    assert signoff.signed_file.name in out


# --- The anchor keeps the signatures valid --------------------------------------------------------


def test_the_anchor_is_covered_by_the_signature_and_the_pdf_still_validates(
    world,
    users,
    small_render,  # noqa: F811
    signing_cert,  # noqa: F811
    tmp_path,
):
    _, signoff = _signed_report(world, users)
    data = signoff.signed_file.read()
    found = read_anchor(data)
    assert found.anchor is not None
    # The head at signing: an event that exists, with that hash.
    event = AuditEvent.objects.get(pk=found.anchor.last_id)
    assert event.hash == found.anchor.last_hash
    assert found.anchor.count == AuditEvent.objects.filter(pk__lte=event.pk).count()
    assert AuditChainHead.objects.get(pk=1).last_id >= event.pk
    # pyHanko: both signatures intact, valid, trusted; the seal covers the whole file.
    assert signing.validate_pdf(data).ok
    if not shutil.which("pdfsig"):
        pytest.skip("pdfsig (poppler-utils) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert out.stdout.count("Signature is Valid") == 2
    info = subprocess.run(
        ["pdfinfo", "-custom", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert KEY_LAST_ID.lstrip("/") in info
    assert found.anchor.last_hash in info
    assert KEY_LAST_HASH.lstrip("/") in info


def test_an_anchor_changed_after_signing_is_not_believed(
    world,
    settings,
    signing_cert,  # noqa: F811
    tmp_path,
):
    """An update of the information dictionary after the signatures (which PDF readers allow)
    cannot move the anchor: it is read from the revision the signature covers."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from portal.audit_anchor import write_anchor

    signed = _sign_small_pdf()
    genuine = read_anchor(signed).anchor
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    write_anchor(writer, audit.Anchor(genuine.last_id, "f" * 64, genuine.count))
    out = io.BytesIO()
    writer.write(out)
    assert read_anchor(out.getvalue()).anchor == genuine
