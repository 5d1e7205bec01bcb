"""Customer users (F13): the rules as pure functions — what a user name is (NFKC + casefold, the customer's
domains only, a pasted whole address, IDN domains), the roles, and the last Global admin."""

from __future__ import annotations

import pytest

from customerusers import rules
from partnercenter.errors import Conflict, Invalid
from partnercenter.roles import Role

ALLOWED = ["adatum.example", "xn--mller-bckerei-hfb76a.example"]
GA, USER = Role.CUSTOMER_GLOBAL_ADMIN, Role.CUSTOMER_USER


def address(user_name: str, domain: str = "adatum.example") -> str:
    return rules.user_name_address(user_name=user_name, domain=domain, allowed=ALLOWED)


@pytest.mark.parametrize(("typed", "domain", "stored"), [
    ("anna.schmidt", "adatum.example", "anna.schmidt@adatum.example"),
    ("  Anna.Schmidt ", "adatum.example", "anna.schmidt@adatum.example"),
    ("Ａｎｎａ", "adatum.example", "anna@adatum.example"),  # full-width letters: NFKC
    ("STRASSE", "adatum.example", "strasse@adatum.example"),
    ("anna@ADATUM.example", "xn--mller-bckerei-hfb76a.example", "anna@adatum.example"),  # pasted: its domain wins
    ("bernd", "xn--mller-bckerei-hfb76a.example", "bernd@xn--mller-bckerei-hfb76a.example"),
    ("bernd@müller-bäckerei.example", "", "bernd@xn--mller-bckerei-hfb76a.example"),  # typed in Unicode
])
def test_a_user_name_is_folded_and_ends_in_a_customer_domain(typed, domain, stored):
    assert address(typed, domain) == stored


def test_ß_folds_like_the_database_would_not_so_two_spellings_are_one_name():
    assert address("Straße") == address("strasse") == "strasse@adatum.example"


@pytest.mark.parametrize("typed", ["", "   ", "@adatum.example"])
def test_an_empty_local_part_is_refused_beside_the_user_name(typed):
    with pytest.raises(Invalid) as exc:
        address(typed)
    assert exc.value.field == "user_name" and "before the @" in exc.value.message


@pytest.mark.parametrize("typed", ["anna schmidt", "anna..schmidt", ".anna", "anna.", "anna<script>", "ánna",
                                   "аnna", "a" * 65, "x" * 255])
def test_a_malformed_or_oversized_local_part_is_refused(typed):
    with pytest.raises(Invalid) as exc:
        address(typed)
    assert exc.value.field == "user_name" and "valid user name" in exc.value.message


def test_a_domain_outside_the_customers_names_them():
    with pytest.raises(Invalid) as exc:
        address("anna@fabrikam.example")
    assert exc.value.field == "user_name"
    assert exc.value.message == "Use one of the customer's domains: adatum.example, müller-bäckerei.example."


def test_a_tampered_domain_choice_is_refused_beside_the_domain():
    for domain in ("fabrikam.example", "not a domain", "x" * 300):
        with pytest.raises(Invalid) as exc:
            address("anna", domain)
        assert exc.value.field == "domain"


def test_roles():
    rules.check_role(GA)
    rules.check_role(USER)
    for role in (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, "owner", ""):
        with pytest.raises(Invalid):
            rules.check_role(role)


def test_the_last_global_admin_who_can_sign_in_stays():
    last = {"target_roles": {GA}, "target_active": True, "other_active_global_admins": 0}
    for change in ({"wanted_role": USER}, {"wanted_role": None, "blocking": True},
                   {"wanted_role": None, "deleting": True}):
        with pytest.raises(Conflict) as exc:
            rules.check_keeps_global_admin(**last, **change)
        assert "only Global admin" in exc.value.message
    rules.check_keeps_global_admin(**last, wanted_role=GA)  # a rename
    rules.check_keeps_global_admin(**{**last, "other_active_global_admins": 1}, wanted_role=USER)
    rules.check_keeps_global_admin(**{**last, "target_active": False}, wanted_role=None, deleting=True)  # blocked
    rules.check_keeps_global_admin(**{**last, "target_roles": {USER}}, wanted_role=None, deleting=True)


def test_temporary_passwords_are_random_and_strong():
    values = {rules.temporary_password() for _ in range(50)}
    assert len(values) == 50
    assert all(len(v) == 16 and any(c.isupper() for c in v) and any(c.isdigit() for c in v) for v in values)
