"""Japanese catalog: the report's fixed labels, headings, captions, badges and short notes, and
the patterns for the few label strings that carry a number or a date."""

from __future__ import annotations

import re
from collections.abc import Callable

#: English display string -> Japanese. Keys are exactly what the English report shows.
JA: dict[str, str] = {
    # --- cover, banner, contents, colophon (templates) -------------------------------------
    "ECR cost & compliance report": "ECR コスト・コンプライアンスレポート",
    "Amazon ECR · scan coverage, cost and compliance": "Amazon ECR · スキャン範囲・コスト・コンプライアンス",
    "As of": "基準日時",
    "Run": "実行 ID",
    "Scope": "対象範囲",
    "Organization": "組織",
    "Accounts not collected": "収集されなかったアカウント",
    "Name": "名前",
    "Reason": "理由",
    "Accounts": "アカウント",
    "Regions": "リージョン",
    "Tool": "ツール",
    "Contents": "目次",
    "Go to Data completeness": "データ完全性へ",
    "DEMO DATA (emulated fleet)": "デモデータ(エミュレートされたフリート)",
    " (DEMO DATA)": "(デモデータ)",
    ", as of ": "、基準日時 ",
    "Not computed": "未計算",
    "Incomplete data": "データが不完全です",
    # --- section titles and sub-headings ----------------------------------------------------
    "Executive summary": "エグゼクティブサマリー",
    "Scan coverage": "スキャン範囲",
    "Compliance": "コンプライアンス",
    "Inspector pricing exposure": "Inspector 料金エクスポージャー",
    "Pull-through cache economics": "プルスルーキャッシュの経済性",
    "Lifecycle reclaimable storage": "ライフサイクルで回収可能なストレージ",
    "Data completeness": "データ完全性",
    "Methodology": "算出方法",
    "Five actions worth the most": "効果の大きい上位 5 件の対応",
    "Key points": "要点",
    "Trends": "推移",
    "Trends and ranked actions": "推移と優先度順の対応",
    "Registries": "レジストリ",
    "Repositories": "リポジトリ",
    "Scope and conventions": "対象範囲と表記規則",
    "Analysis notes": "分析上の注記",
    "Prices used": "使用した価格",
    "Sources": "出典",
    "Effective scan frequency": "実効スキャン頻度",
    "Current exposure": "現在のエクスポージャー",
    "Reconciliation with AWS's estimate": "AWS の見積もりとの照合",
    "What-if scenarios": "What-if シナリオ",
    "Scenario notes": "シナリオの注記",
    "Assumptions": "前提条件",
    "Where the cache saves NAT processing": "キャッシュが NAT 処理を削減する箇所",
    "Cached repositories": "キャッシュされたリポジトリ",
    "Stale cache entries": "古いキャッシュエントリ",
    "Images pulled from upstreams directly": "アップストリームから直接プルされたイメージ",
    "Repositories without a policy": "ポリシーのないリポジトリ",
    "Lint warnings": "Lint 警告",
    "Compliance controls": "コンプライアンスコントロール",
    "Cost lines (FinOps FOCUS columns)": "コスト明細(FinOps FOCUS 列)",
    "Current policies": "現在のポリシー",
    "Data collection": "データ収集",
    "Lifecycle policies": "ライフサイクルポリシー",
    "Lifecycle policy evaluation (offline)": "ライフサイクルポリシーの評価(オフライン)",
    "Proposed lifecycle policy applied first": "提案ライフサイクルポリシーを先に適用",
    "Scope of per-image basic findings": "イメージ単位のベーシックスキャン結果の範囲",
    "Today's settings": "現在の設定",
    # --- table captions -------------------------------------------------------------------
    "Controls: repositories per verdict": "コントロール: 判定ごとのリポジトリ数",
    "Failed calls": "失敗した API 呼び出し",
    "Images by scan state, per registry": "レジストリごとのスキャン状態別イメージ数",
    "Repositories by effective scan frequency, per registry": "レジストリごとの実効スキャン頻度別リポジトリ数",
    "Coverage per registry (account × region). Quota headroom: what is left of the basic-scan "
    "daily quota on the busiest push day of the last 30 days.":
        "レジストリ(アカウント × リージョン)ごとのスキャン範囲。クォータ余裕: 過去 30 日で最もプッシュが"
        "多かった日に、ベーシックスキャンの日次クォータがどれだけ残っていたか。",
    "Cached repositories, largest storage cost first (monthly)": "キャッシュされたリポジトリ(月額ストレージコストの大きい順)",
    "Every price this report used (USD). UNCONFIRMED: no official source could be read.":
        "このレポートで使用したすべての価格(USD)。UNCONFIRMED: 公式の出典を確認できなかったもの。",
    "Fleet totals: what the policies would expire or archive at the next lifecycle run":
        "フリート合計: 次回のライフサイクル実行でポリシーが期限切れ・アーカイブにする量",
    "Model beside AWS's ListUsageTotals, last 30 days (model / AWS)":
        "モデルと AWS の ListUsageTotals の比較、過去 30 日(モデル / AWS)",
    "Modelled cost per 30 days by scenario (USD)": "シナリオ別の 30 日あたり推定コスト(USD)",
    "Modelled cost per 30 days, per registry (account × region)":
        "レジストリ(アカウント × リージョン)ごとの 30 日あたり推定コスト",
    "Monthly storage cost against NAT processing avoided, per upstream":
        "アップストリームごとの月額ストレージコストと削減される NAT 処理",
    "Per upstream, monthly": "アップストリームごと、月額",
    "Repositories whose own policy would reclaim the most at its next run":
        "次回実行時に自身のポリシーで最も多く回収されるリポジトリ",
    "Stale cache entries per cached repository": "キャッシュされたリポジトリごとの古いキャッシュエントリ",
    "Upstream images pulled without the cache": "キャッシュを経由せずにプルされたアップストリームイメージ",
    "VPCs with a NAT gateway in registries that pull through a cache or from upstreams":
        "キャッシュ経由またはアップストリームからプルするレジストリ内の NAT ゲートウェイ付き VPC",
    "What-if scenarios: cost per 30 days, change from today, and coverage":
        "What-if シナリオ: 30 日あたりコスト、現在からの変化、スキャン範囲",
    "Docker Hub rate-limit exposure per registry (pulls without the cache; limits UNCONFIRMED*)":
        "レジストリごとの Docker Hub レート制限の影響(キャッシュなしのプル数、制限値は UNCONFIRMED*)",
    # --- column headers and figure / tile labels ------------------------------------------
    "AWS's answer": "AWS の回答",
    "Account": "アカウント",
    "Busiest day": "最多の日",
    "Control": "コントロール",
    "Critical": "重大",
    "Effective frequency": "実効頻度",
    "Engine": "エンジン",
    "Error": "エラー",
    "Evidence": "根拠",
    "Fail": "不合格",
    "Pass": "合格",
    "Unknown": "不明",
    "Failing control checks": "不合格のコントロールチェック",
    "Headroom": "余裕",
    "High": "高",
    "Medium": "中",
    "Low": "低",
    "Images scanned": "スキャン済みイメージ",
    "Inspector cost / month": "Inspector コスト / 月",
    "Open critical findings": "未解決の重大な検出結果",
    "Open high findings": "未解決の高の検出結果",
    "Operation": "操作",
    "Pull-through saving": "プルスルーによる削減額",
    "Pushed 24 h": "24 時間のプッシュ数",
    "Quota / day": "クォータ / 日",
    "Reclaimable storage": "回収可能なストレージ",
    "Region": "リージョン",
    "Registry": "レジストリ",
    "Repos scanned": "スキャン済みリポジトリ",
    "Repositories scanned": "スキャン済みリポジトリ",
    "Repository": "リポジトリ",
    "Scan type": "スキャンタイプ",
    "Severity": "重大度",
    "Status": "状態",
    "Title": "タイトル",
    "AWS estimate": "AWS の見積もり",
    "AWS's estimate / month": "AWS の見積もり / 月",
    "Archive 90-day min.": "アーカイブ 90 日最低料金",
    "Break-even": "損益分岐点",
    "Break-even pulls / image": "損益分岐プル数 / イメージ",
    "Bytes (exact)": "バイト数(正確)",
    "Bytes (naive)": "バイト数(単純合計)",
    "Cache": "キャッシュ",
    "Cache storage / month": "キャッシュストレージ / 月",
    "Change": "変化",
    "Continuous repos": "継続スキャンのリポジトリ",
    "Cost": "コスト",
    "Cost / 30 days": "コスト / 30 日",
    "Cost / month": "コスト / 月",
    "Detail": "詳細",
    "Difference": "差分",
    "Eligible images": "対象イメージ",
    "Endpoint hours / month": "エンドポイント時間 / 月",
    "Endpoints": "エンドポイント",
    "Estimated Inspector cost / month": "Inspector 推定コスト / 月",
    "Expiring / images": "期限切れ / イメージ",
    "GB stored": "保存 GB",
    "Images": "イメージ",
    "Images / stored": "イメージ / 保存量",
    "Images expiring": "期限切れになるイメージ",
    "Images expiring now": "今すぐ期限切れになるイメージ",
    "Images monitored": "監視中のイメージ",
    "Initial $": "初回 $",
    "Initial scans": "初回スキャン",
    "Inspector scanning": "Inspector スキャン",
    "Item": "項目",
    "Language-package visibility (repos / images)": "言語パッケージの可視性(リポジトリ / イメージ)",
    "Lifecycle policy": "ライフサイクルポリシー",
    "Longest unpulled": "最長未プル期間",
    "Model": "モデル",
    "Model − AWS": "モデル − AWS",
    "Monitored": "監視中",
    "Monitored / ACTIVE": "監視中 / ACTIVE",
    "Monitored images": "監視中のイメージ",
    "NAT / month": "NAT / 月",
    "NAT GWs": "NAT ゲートウェイ数",
    "NAT avoided": "削減された NAT",
    "NAT processing avoided / month": "削減された NAT 処理 / 月",
    "NAT public IPs": "NAT パブリック IP",
    "Net": "正味",
    "Net saving / month": "正味の削減額 / 月",
    "Note": "注記",
    "One-time": "一回限り",
    "Per IP / 6 h": "IP あたり / 6 時間",
    "Policy": "ポリシー",
    "Price": "価格",
    "Pulls": "プル数",
    "Pulls / 6 h": "プル数 / 6 時間",
    "Pulls / day": "プル数 / 日",
    "Reclaimable storage now": "現在回収可能なストレージ",
    "Reference": "参照",
    "References": "参照数",
    "Repos acting": "対象リポジトリ",
    "Rescans": "再スキャン",
    "Rescans $": "再スキャン $",
    "Rules": "ルール",
    "Saved / month": "削減額 / 月",
    "Saved if cached": "キャッシュ時の削減額",
    "Scan type / rescan settings": "スキャンタイプ / 再スキャン設定",
    "Scanned": "スキャン済み",
    "Scenario": "シナリオ",
    "Share of pulls": "プルの割合",
    "Size": "サイズ",
    "Source (date)": "出典(日付)",
    "Stale images": "古いイメージ",
    "Storage": "ストレージ",
    "To archive": "アーカイブ対象",
    "To archive (proposal)": "アーカイブ対象(提案)",
    "Total": "合計",
    "Upstream": "アップストリーム",
    "VPC": "VPC",
    "Verdict": "判定",
    "Warning": "警告",
    "With the proposal": "提案適用時",
    "Would expire": "期限切れ予定",
    # --- badges, status words, short cell texts -------------------------------------------
    "PASS": "合格",
    "FAIL": "不合格",
    "UNKNOWN": "不明",
    "N/A": "対象外",
    "DIFFERS": "相違",
    "agrees": "一致",
    "unknown": "不明",
    "n/a": "該当なし",
    "not computed": "未計算",
    "not available": "利用不可",
    "not collected": "未収集",
    "calls failed": "呼び出しが失敗",
    "see data": "データ参照",
    "partial": "部分的",
    "assumed": "仮定",
    "measured*": "実測*",
    "first run": "初回実行",
    "First run: no earlier complete run was found in this output directory, so changes and "
    "trend lines start with the next run.":
        "初回実行: この出力ディレクトリに以前の完了した実行がないため、変化と推移は次回の実行から表示します。",
    "CLAIR (retired)": "CLAIR(廃止済み)",
    "saves NAT": "NAT を削減",
    "saves nothing": "削減なし",
    "Continuous": "継続",
    "On push": "プッシュ時",
    "Manual only": "手動のみ",
    "Manual only (never automatic)": "手動のみ(自動なし)",
    "Scanned / monitored": "スキャン済み / 監視中",
    "Stale basic scan": "古いベーシックスキャン",
    "Pending": "保留中",
    "Not scanned / failed / unsupported": "未スキャン / 失敗 / 非対応",
    "Not checked (outside findings scope)": "未確認(検出結果の範囲外)",
    "Archived": "アーカイブ済み",
    "Clair (retired)": "Clair(廃止済み)",
    "no cache rule": "キャッシュルールなし",
    "no template": "テンプレートなし",
    "cached copy": "キャッシュのコピー",
    "at today's settings": "現在の設定で",
    "repository × control": "リポジトリ × コントロール",
    "not built in this version; not a zero": "このバージョンでは未実装(ゼロではありません)",
    "rescanned as new CVEs appear": "新しい CVE の公開に応じて再スキャン",
    "pulls per cached image per month": "キャッシュイメージあたりの月間プル数",
    # --- empty tables and notes -----------------------------------------------------------
    "No rows.": "行がありません。",
    "No action stands out: no failing control, open critical finding or monthly saving was "
    "found.": "特に目立つ対応はありません: 不合格のコントロール、未解決の重大な検出結果、月額の削減余地は"
              "見つかりませんでした。",
    "No control was evaluated.": "評価されたコントロールはありません。",
    "This run's summary has no ranked actions (it was made before they were kept).":
        "この実行のサマリーには順位付けされた対応がありません (対応の記録より前に作成された実行です)。",
    "No registry was collected.": "収集されたレジストリはありません。",
    "No repositories were found in the collected registries.": "収集したレジストリにリポジトリはありませんでした。",
    "Every repository has a lifecycle policy.": "すべてのリポジトリにライフサイクルポリシーがあります。",
    "No VPC with a NAT gateway was found: the cache saves no NAT processing.":
        "NAT ゲートウェイのある VPC は見つかりませんでした: キャッシュによる NAT 処理の削減はありません。",
    "No cached repository.": "キャッシュされたリポジトリはありません。",
    "No lint warnings.": "Lint 警告はありません。",
    "No price was used in this report.": "このレポートで使用した価格はありません。",
    "No pull-through cache rule.": "プルスルーキャッシュルールはありません。",
    "No repository is billed by Inspector at today's settings.":
        "現在の設定で Inspector の課金対象となるリポジトリはありません。",
    "No repository's own lifecycle policy expires or archives any image today.":
        "現時点で自身のライフサイクルポリシーによりイメージが期限切れ・アーカイブになるリポジトリはありません。",
    "No scenario was evaluated.": "評価されたシナリオはありません。",
    "Not computed in this version. No figure is given here, and none should be read as zero.":
        "このバージョンでは計算されていません。数値は示しておらず、ゼロと読まないでください。",
    "This run recorded no earlier runs (it was made before trends were kept), so no change is "
    "shown.": "この実行には以前の実行の記録がない(推移の保存前に作成された)ため、変化は表示していません。",
    "Ranked by money per month plus a risk weight for critical findings and failing controls "
    "(see Methodology); every candidate is in data/actions.csv.":
        "月額の金額に重大な検出結果と不合格コントロールのリスク重みを加えて順位付けしています(算出方法を"
        "参照)。すべての候補は data/actions.csv にあります。",
    "Not checked: outside the basic-findings scope (see Methodology), so neither clean nor "
    "vulnerable as far as this report knows.":
        "未確認: ベーシックスキャン結果の範囲外(算出方法を参照)のため、このレポートでは問題なしとも"
        "脆弱とも判断していません。",
    "DEMO DATA: this run used the embedded emulated fleet, not a real AWS account.":
        "デモデータ: この実行は実際の AWS アカウントではなく、組み込みのエミュレートされたフリートを使用しています。",
}

_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}) UTC$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _ja_date(match: re.Match[str]) -> str:
    return f"{int(match[1])}年{int(match[2])}月{int(match[3])}日"


def _plural_ja(word: str) -> str:
    return {"row": "行", "rows": "行", "repository": "リポジトリ", "repositories": "リポジトリ",
            "image": "イメージ", "images": "イメージ", "registry": "レジストリ",
            "registries": "レジストリ", "account": "アカウント", "accounts": "アカウント",
            "region": "リージョン", "regions": "リージョン"}.get(word, word)


#: (pattern, replacement) for strings with numbers or names in them, tried in order.
PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_DATE_TIME, lambda m: f"{_ja_date(m)} {m[4]} UTC"),
    (_DATE, _ja_date),
    (re.compile(r"^([\d,]+) more (row|rows|repository|repositories) in (data/[\w./-]+)\.$"),
     lambda m: f"残り {m[1]} {_plural_ja(m[2])}は {m[3]} にあります。"),
    (re.compile(r"^Lint warnings \(([\d,]+)\): accepted by ECR, but probably not what was meant$"),
     lambda m: f"Lint 警告({m[1]}): ECR は受け付けるが、意図どおりではない可能性があるもの"),
    (re.compile(r"^Repositories without a lifecycle policy \(([\d,]+)\) and what the proposed "
                r"policy would do there$"),
     lambda m: f"ライフサイクルポリシーのないリポジトリ({m[1]})と提案ポリシーを適用した場合の効果"),
    (re.compile(r"^([\d,]+) (account|accounts) × ([\d,]+) (region|regions)$"),
     lambda m: f"{m[1]} アカウント × {m[3]} リージョン"),
    (re.compile(r"^([\d,]+) (image|images)$"), lambda m: f"{m[1]} イメージ"),
    (re.compile(r"^(.*) · partial$"), lambda m: f"{m[1]} · 部分的"),
    (re.compile(r"^Not computed in this version\. This section will show (.*)$"),
     lambda m: "このバージョンでは計算されていません。数値は示しておらず、ゼロと読まないでください。"),
)



#: Names written in English in Japanese text as well (AWS's Japanese documentation does so).
KEEP_ENGLISH = (
    "Amazon ECR", "Amazon Inspector", "Amazon S3", "Amazon ECS", "AWS Security Hub",
    "Security Hub", "AWS KMS", "Docker Hub", "GitHub Container Registry", "ECR Public",
    "Kubernetes", "FinOps FOCUS", "AWS Price List", "Amazon CloudWatch",
)
