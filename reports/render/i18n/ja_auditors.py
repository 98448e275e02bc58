"""Japanese for the appendix "For auditors" (reports/render/section_auditors.py)."""

from __future__ import annotations

JA: dict[str, str] = {
    "For auditors": "監査担当者向け",
    "Every row of data/compliance.csv, data/coverage.csv and data/image_scans.csv names the raw "
    "response that decided it (evidence_file, under raw/), the value in it (evidence_pointer, "
    "a JSON Pointer) and, for compliance, the rule applied; 'ecr-report explain RUN_DIR "
    "--control ECR.2' verifies the run, then quotes those values.":
        "data/compliance.csv、data/coverage.csv、data/image_scans.csv の各行には、判定を決めた生の応答"
        "(evidence_file、raw/ 配下)、その中の値(evidence_pointer、JSON Pointer)、コンプライアンスでは"
        "適用したルールが記載されています。「ecr-report explain RUN_DIR --control ECR.2」は実行を検証してから"
        "それらの値を引用します。",
    "The requirements below are those AWS Security Hub relates to each control on the control's "
    "page {sources}: AWS's mappings, not this report's. A mapping is not an attestation: a passing "
    "control shows that its check passed, not that the requirement is met.":
        "以下の要件は、AWS Security Hub が各コントロールのページ {sources} で関連付けているものです。"
        "AWS による対応付けであり、本レポートによるものではありません。対応付けは証明(アテステーション)"
        "ではありません。合格したコントロールはそのチェックに合格したことを示すだけで、要件が満たされている"
        "ことを示すものではありません。",
    "framework mapping": "フレームワーク対応表",
    "{n} raw file": "生データ {n} ファイル",
    "{n} raw files": "生データ {n} ファイル",
    "NIST SP 800-53 Rev. 5 and PCI DSS v4.0.1 requirements; evidence: the controls' rows of "
    "data/compliance.csv and the raw files they cite":
        "NIST SP 800-53 Rev. 5 と PCI DSS v4.0.1 の要件。証跡は data/compliance.csv の該当コントロールの行と、"
        "その行が示す生データファイルです",
    "Framework": "フレームワーク",
    "Requirement": "要件",
    "Requirements": "要件",
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
