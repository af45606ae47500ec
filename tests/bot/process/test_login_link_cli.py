"""`klik staff login-link NAME`: a one-time dashboard link for a coach or team lead, printed."""

from __future__ import annotations

import pytest

from tests.bot.conftest import StaffCli


async def test_login_link_prints_a_local_link_for_a_coach(staff_cli: StaffCli) -> None:
    assert (await staff_cli("coach", "add", "--name", "Lotte")).code == 0
    said = await staff_cli("staff", "login-link", "Lotte")
    assert said.code == 0
    assert "http://127.0.0.1:8080/dashboard/in/" in said.out


async def test_login_link_works_for_a_team_lead_too(staff_cli: StaffCli) -> None:
    assert (await staff_cli("teamlead", "add", "--name", "Ahmed")).code == 0
    assert (await staff_cli("staff", "login-link", "Ahmed")).code == 0


async def test_login_link_refuses_an_unknown_name(staff_cli: StaffCli) -> None:
    said = await staff_cli("staff", "login-link", "Nobody")
    assert said.code == 2 and "Nobody" in said.err


async def test_login_link_refuses_a_deactivated_account(staff_cli: StaffCli) -> None:
    await staff_cli("coach", "add", "--name", "Lotte")
    await staff_cli("coach", "deactivate", "Lotte")
    said = await staff_cli("staff", "login-link", "Lotte")
    assert said.code == 2 and "deactivated" in said.err


async def test_login_link_needs_an_address_browsers_reach(
    staff_cli: StaffCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    await staff_cli("coach", "add", "--name", "Lotte")
    monkeypatch.setenv("HTTP_HOST", "0.0.0.0")
    said = await staff_cli("staff", "login-link", "Lotte")
    assert said.code == 2 and "PUBLIC_URL" in said.err
