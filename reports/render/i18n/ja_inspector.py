"""Japanese catalog for the Inspector pricing section and its methodology.

Keys are the English text exactly as the report shows it, or the template given to
`reports.text.msg`; values keep the template's {placeholders}."""

from __future__ import annotations

JA: dict[str, str] = {
}
