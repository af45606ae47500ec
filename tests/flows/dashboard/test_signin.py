"""Sign-in links: what is stored of them, where they lead, what a secret looks like."""

from __future__ import annotations

from flows.dashboard.signin import link_digest, link_url, looks_like_secret

SECRET = "R3H4BUFAkdKpCdTOrv3SXoT4ysrelV045GRX2Ugh-eU"


def test_the_digest_does_not_contain_the_secret() -> None:
    assert SECRET not in link_digest(SECRET) and len(link_digest(SECRET)) == 64


def test_the_same_secret_always_has_the_same_digest() -> None:
    assert link_digest(SECRET) == link_digest(SECRET)


def test_a_link_leads_to_the_sign_in_page_of_the_base() -> None:
    assert link_url("https://klik.example.org/", SECRET) == (
        f"https://klik.example.org/dashboard/in/{SECRET}"
    )


def test_a_secret_of_another_shape_is_refused_before_a_lookup() -> None:
    assert looks_like_secret(SECRET)
    assert not looks_like_secret("short")
    assert not looks_like_secret(SECRET[:-3] + "%2F")
