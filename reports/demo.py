"""Demo hook (run by `load_demo` after awards.demo): make sure the signing material exists.

The demo signs with self-signed certificates (the agency's at SIGNING_P12_PATH, the signer's
server-held one beside it). Each sample issuing authority gets sample images of its seal and its
signer's signature (drawn with Pillow, marked "MẪU") and self-signed certificates of its own
(the body's and its signer's) on its record, where it has none. A real
deployment uploads the committee's own images on the authority's page and points
SIGNING_P12_PATH, SIGNING_PERSON_P12_PATH or SIGNING_PKCS11_* at its certificates
(docs/signing.md).
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from .signing import (
    demo_authority_p12,
    demo_seal_png,
    demo_signature_png,
    ensure_demo_certificate,
)


def load() -> dict[str, int]:
    from campaigns.models import Campaign
    from units.models import Authority

    campaign = Campaign.objects.filter(is_sample=False).order_by("-start_year").first()
    body = campaign.issuing_body if campaign else "Ủy ban nhân dân"
    authority = campaign.authority if campaign else None
    signer = (authority.signer_name if authority else "") or "Người có thẩm quyền ký"
    path = ensure_demo_certificate(common_name=body, person_name=signer)
    images = 0
    for authority in Authority.objects.filter(is_sample=True):
        if not authority.seal_image:
            authority.seal_image.save(
                "con-dau-mau.png", ContentFile(demo_seal_png(authority.body, authority.place))
            )
            images += 1
        name = (authority.deputy_name if authority.deputy_signs else "") or authority.signer_name
        if not authority.signature_image:
            authority.signature_image.save("chu-ky-mau.png", ContentFile(demo_signature_png(name)))
            images += 1
        # Each body signs as itself: its own (sample, self-signed) organisation certificate
        # and one for its signer, so a seal never carries the name of another body.
        if not authority.certificate:
            authority.certificate.save(
                "co-quan.p12", ContentFile(demo_authority_p12(authority.body))
            )
        if not authority.signer_certificate:
            authority.signer_certificate.save(
                "nguoi-ky.p12", ContentFile(demo_authority_p12(authority.body, name))
            )
    return {"signing_certificate": 1 if path.exists() else 0, "authority_images": images}
