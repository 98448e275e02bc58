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
    # sources
    "Infracost goldens from the AWS Price List (aws-facts.md §5 [INFRACOST])":
        "AWS Price List に基づく Infracost のゴールデンデータ(aws-facts.md §5 [INFRACOST])",
    "pointfive.co (us-east-1, checked March 2026); first 150 TB, $0.07 above":
        "pointfive.co(us-east-1、2026 年 3 月確認)。最初の 150 TB まで、超過分は $0.07",
    "ECR User Guide, lifecycle policy examples [LP-EX]": "ECR ユーザーガイド、ライフサイクルポリシーの例 [LP-EX]",
    "cloudburn.io/blog/amazon-ecr-pricing (as of March 2026)":
        "cloudburn.io/blog/amazon-ecr-pricing(2026 年 3 月時点)",
    "configuration": "設定",
}

#: (pattern, replacement) for strings with numbers or names in them, tried in order.
PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile("^(?:" + "|".join(re.escape(w) for w in sorted(_PRICE_WORDS, key=len, reverse=True)) + ")$"),
     lambda m: _PRICE_WORDS[m[0]]),
)
