"""Who is calling, and what they may see and change."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import Forbidden, problem_text
from app.schemas.common import Role


@dataclass(frozen=True)
class Principal:
    """The API key behind a request."""

    key_id: int | None
    name: str
    role: Role
    kelurahan_code: str | None = None

    def sees_kelurahan(self, kelurahan_code: str) -> bool:
        """A kelurahan key sees only its own kelurahan; every other role sees all."""
        return self.kelurahan_code is None or self.kelurahan_code == kelurahan_code


# The command line acts as an administrator of its own machine.
SYSTEM = Principal(key_id=None, name="system", role=Role.admin)


def require(principal: Principal, *roles: Role) -> None:
    """Refuse the call unless the principal has one of the roles."""
    if principal.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Forbidden(
            problem_text("role_not_allowed", allowed=allowed, role=principal.role.value),
            code="role_not_allowed",
        )
