"""Button data of appointments: what Klik sends is read back, anything else is refused."""

from __future__ import annotations

import pytest

from flows.appointments.taps import AppointmentTap, NewTap, read_tap


def test_the_data_klik_sends_is_read_back() -> None:
    assert read_tap("apt:12:ok") == AppointmentTap(12, "ok")
    assert read_tap("apt:12:at:202611281400") == AppointmentTap(12, "at", "202611281400")
    assert read_tap("apt:12:r:both") == AppointmentTap(12, "r", "both")
    assert read_tap("apt:new:7:video") == NewTap(7, "video")


@pytest.mark.parametrize(
    "data",
    [
        "apt:12",
        "apt:12:fly",
        "apt:12:ok:extra",
        "apt:12:day",
        "apt:-1:ok",
        "apt:1234567890123:ok",
        "apt:new:7:zeppelin",
        "apt:new:x:chat",
        "close:1:goal_reached",
    ],
)
def test_data_klik_never_sends_is_refused(data: str) -> None:
    assert read_tap(data) is None
