"""Japanese for the appendix "For auditors" (reports/render/section_auditors.py)."""

from __future__ import annotations

JA: dict[str, str] = {
    "For auditors": "監査担当者向け",
    "Every row of data/compliance.csv, data/coverage.csv and data/image_scans.csv names the raw API "
    "response that decided it (evidence_file, under raw/ in the run directory), the value inside it "
    "(evidence_pointer, a JSON Pointer into the stored response) and, for compliance, the rule "
    "applied (rule). 'ecr-report explain RUN_DIR --control ECR.2' verifies the run first, then quotes "
    "those values for each verdict.":
        "data/compliance.csv、data/coverage.csv、data/image_scans.csv の各行には、判定を決めた API の生の"
        "応答(evidence_file、実行ディレクトリの raw/ 配下)と、その中の値の位置(evidence_pointer、保存した"
        "応答への JSON Pointer)、さらにコンプライアンスでは適用したルール(rule)が記載されています。"
        "「ecr-report explain RUN_DIR --control ECR.2」は、まず実行を検証し、判定ごとにそれらの値を引用します。",
    "The requirements below are those AWS Security Hub lists as related to each control on the "
    "control's page: they are AWS's mappings, not this report's. A mapping is not an attestation: a "
    "control that passes on every repository shows that its check passed, not that the requirement "
    "is met.":
        "以下の要件は、AWS Security Hub が各コントロールのページで関連要件として挙げているものです。"
        "これは AWS による対応付けであり、本レポートによるものではありません。対応付けは証明(アテステーション)"
        "ではありません。すべてのリポジトリで合格したコントロールは、そのチェックに合格したことを示すだけで、"
        "要件が満たされていることを示すものではありません。",
    "framework mapping": "フレームワーク対応表",
    "Source: AWS Security Hub User Guide, '{title}', {url} (read {date}).":
        "出典: AWS Security Hub ユーザーガイド「{title}」{url}({date} 閲覧)。",
    "data/compliance.csv, {controls}; {n} raw file": "data/compliance.csv の {controls}、生データ {n} ファイル",
    "data/compliance.csv, {controls}; {n} raw files": "data/compliance.csv の {controls}、生データ {n} ファイル",
    "{framework}: requirements related to the controls evaluated": "{framework}: 評価したコントロールに関連する要件",
    "Requirement": "要件",
    "Controls": "コントロール",
    "not evaluated": "未評価",
    "No requirement is mapped to the controls evaluated.": "評価したコントロールに対応付けられた要件はありません。",
}

#: Framework names, the cited page titles and the JSON Pointer standard stay as written (AWS's
#: Japanese pages do the same).
KEEP_ENGLISH = (
    "NIST SP 800-53 Rev. 5", "PCI DSS v4.0.1", "Security Hub CSPM controls for Amazon ECR",
    "Security Hub CSPM controls for Amazon Inspector", "JSON Pointer",
)
