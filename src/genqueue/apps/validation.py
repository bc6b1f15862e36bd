"""Helpers the seed apps share for checking job data: one-line errors, clean text."""

from __future__ import annotations

from pydantic import ValidationError


def field_errors(exc: ValidationError) -> str:
    """Pydantic's errors in one line: `words: Input should be less than or equal to 5000`."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in exc.errors()
    )


def clean_text(value: str | None) -> str | None:
    """Trimmed text, None when blank; refuses lone surrogates (they cannot be stored as UTF-8)."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return value.strip() or None
