"""The holder's photo as the API describes it (the bytes themselves are served as image/jpeg)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import examples


class ResidentPhotoRead(BaseModel):
    """A stored pas foto: always a 3×4 JPEG without metadata, whatever was uploaded."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.PHOTO]})

    sha256: str = Field(description="SHA-256 of the stored JPEG (hex); also its ETag")
    media_type: str = Field(default="image/jpeg", examples=["image/jpeg"])
    width: int = Field(examples=[300])
    height: int = Field(examples=[400])
    size: int = Field(description="Size of the stored JPEG in bytes")
    updated_at: datetime
    url: str = Field(
        description="Where to GET the photo", examples=["/api/v1/residents/5371044108900001/photo"]
    )
