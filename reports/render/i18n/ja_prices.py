"""Japanese for the methodology's "Prices used" table (reports/render/section_prices.py): its
sentences, and the price list's data words (units, statuses, sources from reports/prices.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

JA: dict[str, str] = {
    "The price list was not handed to the renderer, so the prices used cannot be listed here; the run's "
    "data/prices.csv has them.":
        "価格表がレンダラーに渡されなかったため、使用した価格をここに一覧できません。実行の data/prices.csv に"
        "記載されています。",
    "also used for {regions}": "{regions} にも使用",
    "per {unit}": "/ {unit}",
    "{source} ({date})": "{source}({date})",
    "undated": "日付なし",
    "{source} {ref} ({date})": "{source} {ref}({date})",
    # the "Sources" list (reports/render/section_sources.py)
    "The public sources cited in this report by the numbers in brackets, with the words quoted where the "
    "report relies on them":
        "このレポートが角括弧の番号で引用する公開情報源。レポートが文言そのものに依拠している箇所は、その文言を"
        "引用しています",
    "Source": "出典",
    "{where} · {dates}": "{where} · {dates}",
    "{where_and_dates} · quoted: {quotes}": "{where_and_dates} · 引用: {quotes}",
    "read {date}": "{date} に参照",
    "dated {date}; {read}": "{date} 付、{read}",
    "not re-read": "今回は未参照",
    "{dates}; {note}": "{dates}。{note}",
    "the first two quotes were checked in a verbatim copy of the page's text, not on the AWS site":
        "最初の 2 つの引用は AWS のサイトではなく、このページ本文の逐語的な写しで確認",
}

#: The price table's data words (units, statuses, sources from reports/prices.py), tried only when
#: no catalog has the exact string (a catalog key wins over these).
_PRICE_WORDS = {
    # units ("per {unit}")
    "GB-month": "GB 月",
    "image": "イメージ",
    "rescan": "再スキャン",
    "GB": "GB",
    "NAT gateway-hour": "NAT ゲートウェイ時間",
    "GB processed": "GB(処理データ)",
    "GB processed (first 1 PB)": "GB(処理データ、最初の 1 PB)",
    "endpoint-AZ-hour": "エンドポイント AZ 時間",
    "GB (first 10 TB)": "GB(最初の 10 TB)",
    "any": "任意",
    # statuses
    "official": "公式",
    "derived from the AWS Price List": "AWS Price List から算出",
    "config override": "設定による上書き",
    # sources (a registry source is quoted as written; an override may say "configuration")
    "configuration": "設定",
}

#: (pattern, replacement) for strings with numbers or names in them, tried in order.
PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile("^(?:" + "|".join(re.escape(w) for w in sorted(_PRICE_WORDS, key=len, reverse=True)) + ")$"),
     lambda m: _PRICE_WORDS[m[0]]),
)
