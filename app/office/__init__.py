"""Pages for the offices (/office): a kelurahan office and the front desk work in a browser,
server-rendered, through the same services and rules as the API."""

from __future__ import annotations

from fastapi import APIRouter

from app.office import auth_pages, letter_pages, resident_pages
from app.office.web import PREFIX

router = APIRouter(prefix=PREFIX, include_in_schema=False)
for _module in (auth_pages, letter_pages, resident_pages):
    router.include_router(_module.router)

__all__ = ["router"]
