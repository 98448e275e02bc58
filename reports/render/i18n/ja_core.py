"""Japanese catalog for the coverage, compliance and data completeness sections, the scope-and-conventions and data-collection methodology, price sources and units, the FinOps methodology.

Keys are the English text exactly as the report shows it, or the template given to
`reports.text.msg`; values keep the template's {placeholders}."""

from __future__ import annotations

JA: dict[str, str] = {
}
