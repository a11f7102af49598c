"""Demo hook (run by `load_demo` after awards.demo): make sure the signing material exists.

The demo signs with self-signed certificates (the agency's at SIGNING_P12_PATH, the signer's
server-held one beside it) and sample images of the seal and the signature (drawn with Pillow,
marked "MẪU"), created here when missing. A real deployment points SIGNING_P12_PATH,
SIGNING_PERSON_P12_PATH or SIGNING_PKCS11_* and SIGNING_SEAL_IMAGE / SIGNING_SIGNATURE_IMAGE at
the committee's own (docs/signing.md).
"""

from __future__ import annotations

from .signing import ensure_demo_certificate, ensure_demo_images


def load() -> dict[str, int]:
    from campaigns.models import Campaign

    campaign = Campaign.objects.filter(is_sample=False).order_by("-start_year").first()
    body = campaign.issuing_body if campaign else "Ủy ban nhân dân"
    signer = (campaign.signer_name if campaign else "") or "Người có thẩm quyền ký"
    path = ensure_demo_certificate(common_name=body, person_name=signer)
    ensure_demo_images(body, signer)
    return {"signing_certificate": 1 if path.exists() else 0}
