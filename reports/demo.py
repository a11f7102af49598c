"""Demo hook (run by `load_demo` after awards.demo): make sure a signing certificate exists.

The demo uses a self-signed certificate at SIGNING_P12_PATH, created here when missing; a real
deployment points SIGNING_P12_PATH / SIGNING_P12_PASSPHRASE at the UBND's certificate.
"""

from __future__ import annotations

from .signing import ensure_demo_certificate


def load() -> dict[str, int]:
    from campaigns.models import Campaign

    campaign = Campaign.objects.filter(is_sample=False).order_by("-start_year").first()
    body = campaign.issuing_body if campaign else "Ủy ban nhân dân"
    path = ensure_demo_certificate(common_name=body)
    return {"signing_certificate": 1 if path.exists() else 0}
