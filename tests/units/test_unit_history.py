"""The unit page's history says in words what each change did."""

from __future__ import annotations

from django.urls import reverse


def test_unit_page_history_says_created_then_updated(client_as, world):
    commune = world.commune_a
    commune.name = f"{commune.name} (mới)"
    commune.save()
    page = client_as("secretariat").get(reverse("units:unit-detail", args=[commune.pk]))
    history = page.content.decode().split("Lịch sử thay đổi", 1)[1]
    assert ": cập nhật" in history
    assert ": tạo mới" in history
