"""The response models' examples as written, back in the OpenAPI document.

FastAPI writes the document without None values (`exclude_none`), which also strips every
`null` out of the examples: an example of a valid letter would then lack its required
`status_reason`, and no longer be valid against its own schema. The examples are copied
again from the models' own JSON schemas, nulls included.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import app.schemas.common  # noqa: F401  (the models exist before they are looked for)

REF_TEMPLATE = "#/components/schemas/{model}"


def _schema_models() -> list[type[BaseModel]]:
    """Every model of app.schemas, the parametrised pages (Page[ResidentRead]...) included."""
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [BaseModel]
    while todo:
        sub: type[BaseModel]
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            # Page[ResidentRead] belongs to the module that wrote it; its origin to ours.
            ours = any(c.__module__.startswith("app.schemas.") for c in sub.__mro__)
            generic = getattr(sub, "__pydantic_generic_metadata__", {}).get("parameters")
            if ours and not generic and sub not in found:
                found.append(sub)
    return found


def restore_examples(schemas: dict[str, Any]) -> None:
    """Set each component schema's `examples` to its model's, nulls kept."""
    _, definitions = models_json_schema(
        [(model, "serialization") for model in _schema_models()], ref_template=REF_TEMPLATE
    )
    for name, schema in definitions.get("$defs", {}).items():
        if name in schemas and schema.get("examples"):
            schemas[name]["examples"] = schema["examples"]
