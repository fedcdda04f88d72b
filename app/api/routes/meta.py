"""Reference data: the event taxonomy, actor kinds and sectors."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import get_args

import yaml
from fastapi import APIRouter, Depends

from app.api.deps import require_api_key
from app.nlp.taxonomy import actor_kinds, categories
from app.nlp.types import Modality
from app.schemas import EventCategory, Taxonomy

router = APIRouter(prefix="/v1", tags=["reference"], dependencies=[Depends(require_api_key)])


@cache
def _taxonomy() -> Taxonomy:
    sectors = yaml.safe_load(resources.files("app.nlp").joinpath("data/sectors.yaml").read_text("utf-8"))
    return Taxonomy(
        events=[
            EventCategory(
                name=c.name,
                definition=c.definition,
                cameo=list(c.cameo),
                quad=c.quad,
                score=c.score,
                modes=list(c.modes),
            )
            for c in categories().values()
        ],
        actor_kinds=actor_kinds(),
        sectors=sectors["sectors"],
        modalities=list(get_args(Modality)),
    )


@router.get("/taxonomy", operation_id="getTaxonomy", response_model=Taxonomy)
async def get_taxonomy() -> Taxonomy:
    """List the PLOVER event categories, actor kinds and sector codes."""
    return _taxonomy()
