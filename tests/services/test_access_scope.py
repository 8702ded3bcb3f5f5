"""Access scope: a kelurahan key sees its own kelurahan only, and a role check refuses
every role it does not name (app.services.access, without HTTP)."""

from __future__ import annotations

import pytest

from app.errors import Forbidden
from app.schemas.common import Role
from app.services.access import SYSTEM, Principal, require

OWN = "5371041001"
OTHER = "5371041002"


@pytest.mark.parametrize(
    ("principal", "kelurahan_code", "sees"),
    [
        pytest.param(Principal(1, "k", Role.kelurahan, OWN), OWN, True, id="kelurahan-own"),
        pytest.param(Principal(1, "k", Role.kelurahan, OWN), OTHER, False, id="kelurahan-other"),
        pytest.param(Principal(1, "k", Role.kelurahan, OWN), "", False, id="kelurahan-empty"),
        pytest.param(Principal(2, "o", Role.operator), OTHER, True, id="operator-any"),
        pytest.param(Principal(3, "a", Role.auditor), OWN, True, id="auditor-any"),
        pytest.param(SYSTEM, OTHER, True, id="command-line-any"),
    ],
)
def test_sees_kelurahan(principal: Principal, kelurahan_code: str, sees: bool) -> None:
    assert principal.sees_kelurahan(kelurahan_code) is sees


def test_the_command_line_acts_as_an_administrator_without_a_key() -> None:
    assert SYSTEM.role is Role.admin
    assert SYSTEM.key_id is None
    assert SYSTEM.kelurahan_code is None


@pytest.mark.parametrize("role", list(Role))
def test_require_lets_a_named_role_through(role: Role) -> None:
    require(Principal(1, "x", role), role)
    require(Principal(1, "x", role), *Role)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        pytest.param(Role.kelurahan, (Role.admin, Role.operator), id="kelurahan-not-operator"),
        pytest.param(Role.auditor, (Role.admin,), id="auditor-not-admin"),
        pytest.param(Role.operator, (Role.admin, Role.auditor), id="operator-not-auditor"),
        pytest.param(Role.admin, (Role.operator,), id="admin-only-where-named"),
        pytest.param(Role.admin, (), id="no-role-named"),
    ],
)
def test_require_refuses_other_roles_with_a_sentence(role: Role, allowed: tuple[Role, ...]) -> None:
    with pytest.raises(Forbidden) as excinfo:
        require(Principal(1, "x", role), *allowed)
    error = excinfo.value
    assert error.status == 403
    assert error.code == "role_not_allowed"
    names = ", ".join(r.value for r in allowed)
    assert error.detail == (
        f"this action needs one of the roles {names}; your key has the role {role.value}"
    )
