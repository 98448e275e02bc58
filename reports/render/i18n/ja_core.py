"""Japanese catalog for the coverage, compliance and data completeness sections, the scope-and-conventions and data-collection methodology, price sources and units, the FinOps methodology.

Keys are the English text exactly as the report shows it, or the template given to
`reports.text.msg`; values keep the template's {placeholders}.

Shared count words used here and defined by other modules (not repeated, so the two can never
disagree): "{n} repository(ies)", "{n} image(s)", "{n} registry(ies)", "{items} and {n} more",
"none", "unknown", "not collected" (ja_summary / ja_labels). The price table's words are
ja_prices'."""

from __future__ import annotations

import re
from collections.abc import Callable

JA: dict[str, str] = {
    # --- scan coverage: section text, tables, charts (reports/render/viewmodel.py) ---------
    "The effective scan frequency is what applies to a repository after the registry's scanning "
    "rules and their repository filters (continuous wins over scan on push), or the legacy "
    "repository-level scan-on-push setting on basic registries. Manual only means no scan happens "
    "unless someone starts one.":
        "実効スキャン頻度とは、レジストリのスキャンルールとそのリポジトリフィルター(継続的スキャンが"
        "プッシュ時スキャンより優先)、またはベーシックスキャンのレジストリでは従来のリポジトリレベルの"
        "プッシュ時スキャン設定を適用した結果、リポジトリに実際に適用される頻度です。「手動のみ」は、"
        "誰かが開始しない限りスキャンが行われないことを意味します。",
    "Coverage per registry (account × region), the {rows} least covered of {total}. Quota headroom: "
    "what is left of the basic-scan daily quota on the busiest push day of the last 30 days.":
        "レジストリ(アカウント × リージョン)ごとのスキャン範囲({total} 件中、スキャン範囲の最も低い "
        "{rows} 件)。クォータ余裕: 過去 30 日で最もプッシュが多かった日に、ベーシックスキャンの日次クォータが"
        "どれだけ残っていたか。",
    "Repositories, highest risk first (open critical, then high findings, then not scanned "
    "automatically)":
        "リポジトリ(リスクの高い順: 未解決の重大、次に高の検出結果、次に自動スキャンなし)",
    "Repositories, highest risk first (open critical, then high findings, then not scanned "
    "automatically); top {rows} of {total}":
        "リポジトリ(リスクの高い順: 未解決の重大、次に高の検出結果、次に自動スキャンなし)、"
        "{total} 件中上位 {rows} 件",
    "{n} more registry in data/registry_coverage.csv.":
        "残り {n} レジストリは data/registry_coverage.csv にあります。",
    "{n} more registries in data/registry_coverage.csv.":
        "残り {n} レジストリは data/registry_coverage.csv にあります。",
    "{n} more repository in data/coverage.csv.": "残り {n} リポジトリは data/coverage.csv にあります。",
    "{n} more repositories in data/coverage.csv.": "残り {n} リポジトリは data/coverage.csv にあります。",
    "{n} other registries": "その他のレジストリ {n} 件",
    "{n} not checked": "未確認 {n}",
    "{where} · partial": "{where} · 部分的",
    "AWS: {frequency}": "AWS: {frequency}",
    "{source} (filter {filter})": "{source}(フィルター {filter})",
    "repositories": "リポジトリ",
    "images": "イメージ",
    "registry coverage": "レジストリのスキャン範囲",
    "repository coverage": "リポジトリのスキャン範囲",
    "compliance": "コンプライアンス",
    "The {name} table is not available for this run, so this part of the report could not be "
    "produced. It is not evidence that there is nothing to report.":
        "この実行では「{name}」テーブルを利用できないため、レポートのこの部分を作成できませんでした。"
        "報告すべき事項がないことを示すものではありません。",
    "The {name} table is not available for this run, so this part could not be produced. It is not "
    "evidence that there is nothing to report.":
        "この実行では「{name}」テーブルを利用できないため、この部分を作成できませんでした。"
        "報告すべき事項がないことを示すものではありません。",

    # --- where a repository's scan frequency comes from (reports/scanfilters.py, coverage.py) -
    "registry {frequency} rule, filter '{filter}'": "レジストリの {frequency} ルール、フィルター '{filter}'",
    "{source}; the repository's deprecated scanOnPush=true does not apply: the registry's filters "
    "decide":
        "{source}。非推奨の scanOnPush=true は無効(フィルターが優先)",
    "{source}; the repository's deprecated scanOnPush=true does not apply to enhanced scanning":
        "{source}。非推奨の scanOnPush=true は拡張スキャンでは無効",
    "repository scanOnPush (deprecated setting)": "リポジトリの scanOnPush(非推奨の設定)",
    "no registry scan-on-push filter matches: manual scans only (basic scanning)":
        "プッシュ時スキャンフィルターに一致せず、手動スキャンのみ(ベーシック)",
    "no enhanced scanning filter matches: scanning disabled (enhanced scanning has no manual scans)":
        "拡張スキャンフィルターに一致せず、スキャン無効(拡張スキャンに手動スキャンはない)",
    "unknown: registry scanning configuration not collected": "不明: レジストリのスキャン設定は未収集",
    "AWS per-repository answer (registry scanning configuration not collected)":
        "AWS のリポジトリ単位の回答(レジストリのスキャン設定は未収集)",
    # as the render tests' hand-built report words them
    "registry rule": "レジストリルール",
    "repository scanOnPush": "リポジトリの scanOnPush",

    # --- compliance: section text, control titles, evidence (reports/compliance.py) --------
    "Per-repository verdicts for the AWS Security Hub controls on ECR, computed from the collected "
    "configuration. UNKNOWN means the data needed for the verdict could not be collected; it is "
    "neither a pass nor a fail.":
        "収集した設定から算出した、ECR に関する AWS Security Hub コントロールのリポジトリごとの判定です。"
        "「不明」は判定に必要なデータを収集できなかったことを意味し、合格でも不合格でもありません。",
    "{control}: {title}": "{control}: {title}",
    "{control}: repositories failing or unknown ({n})": "{control}: 不合格または不明のリポジトリ({n})",
    "{n} more row in data/compliance.csv.": "残り {n} 行は data/compliance.csv にあります。",
    "{n} more rows in data/compliance.csv.": "残り {n} 行は data/compliance.csv にあります。",
    "no evidence recorded": "根拠の記録なし",
    # control titles (verbatim from the Security Hub user guide; wording of its Japanese edition)
    "ECR private repositories should have image scanning configured":
        "ECR プライベートリポジトリでは、イメージスキャンが設定されている必要があります",
    "ECR private repositories should have tag immutability configured":
        "ECR プライベートリポジトリでは、タグのイミュータビリティが設定されている必要があります",
    "ECR repositories should have at least one lifecycle policy configured":
        "ECR リポジトリには、少なくとも 1 つのライフサイクルポリシーが設定されている必要があります",
    "ECR repositories should be encrypted with customer managed AWS KMS keys":
        "ECR リポジトリは、カスタマーマネージド AWS KMS キーで暗号化されている必要があります",
    "Amazon Inspector ECR scanning should be enabled":
        "Amazon Inspector ECR スキャンを有効にする必要があります",
    # evidence
    "effective scan frequency {frequency} from {source} (AWS's per-repository answer: {aws})":
        "実効スキャン頻度 {frequency}: {source}(AWS のリポジトリ単位の回答: {aws})",
    "effective scan frequency {frequency} from {source}": "実効スキャン頻度 {frequency}: {source}",
    "effective scan frequency not known: {source}": "実効スキャン頻度は不明: {source}",
    "imageTagMutability {value}: tags matching the exclusion filters stay mutable; the control "
    "passes only IMMUTABLE (treatment of *_WITH_EXCLUSION by Security Hub is UNCONFIRMED)":
        "imageTagMutability は {value}: 除外フィルターに一致するタグは変更可能なままです。このコントロールは "
        "IMMUTABLE のみを合格とします(Security Hub による *_WITH_EXCLUSION の扱いは UNCONFIRMED)",
    "imageTagMutability {value} (not IMMUTABLE)": "imageTagMutability は {value}(IMMUTABLE ではありません)",
    "imageTagMutability {value}": "imageTagMutability は {value}",
    "image tag mutability not collected": "イメージタグの変更可能性は未収集",
    "lifecycle policy PRESENT; presence only; content judged in the lifecycle section":
        "ライフサイクルポリシーあり(有無のみ確認。内容はライフサイクルの節で評価)",
    "no lifecycle policy; presence only; content judged in the lifecycle section":
        "ライフサイクルポリシーなし(有無のみ確認。内容はライフサイクルの節で評価)",
    "lifecycle policy status {status}: GetLifecyclePolicy could not be read":
        "ライフサイクルポリシーの状態 {status}: GetLifecyclePolicy を読み取れませんでした",
    "encryptionType AES256 (Amazon S3 managed keys), not a customer managed KMS key":
        "encryptionType AES256(Amazon S3 マネージドキー)、カスタマーマネージドではない",
    "encryptionType {encryption} with no key ARN: AWS managed key aws/ecr":
        "encryptionType は {encryption}、キー ARN なし: AWS マネージドキー aws/ecr",
    "encryptionType {encryption} with the AWS managed key {key}":
        "encryptionType は {encryption}、AWS マネージドキー {key} を使用",
    "encryptionType {encryption} with customer managed key {key}":
        "encryptionType は {encryption}、カスタマーマネージドキー {key} を使用",
    "encryptionType {encryption}": "encryptionType は {encryption}",
    "encryption configuration not collected": "暗号化設定は未収集",
    "Amazon Inspector ECR scanning status {status} for account {account} in {region}":
        "Amazon Inspector の ECR スキャン {status}({account}、{region})",
    "Amazon Inspector ECR scanning status not collected": "Amazon Inspector の ECR スキャンの状態は未収集",

    # --- data completeness and the banner --------------------------------------------------
    "{n} API call": "API 呼び出し {n} 件",
    "{n} API calls": "API 呼び出し {n} 件",
    "{calls} of {total}": "{total} 件中 {calls}",
    "{calls} failed in {registries} (account × region). Figures that depend on them are marked "
    "unknown or partial; a missing value is not a zero. See Data completeness for the list.":
        "{registries}(アカウント × リージョン)で {calls}が失敗しました。これに依存する数値は「不明」または"
        "「部分的」と表示しています。欠損値はゼロではありません。一覧はデータ完全性を参照してください。",
    "All {n} API calls succeeded; no collection errors were recorded.":
        "{n} 件の API 呼び出しはすべて成功し、収集エラーは記録されていません。",
    "All API calls succeeded; no collection errors were recorded.":
        "すべての API 呼び出しが成功し、収集エラーは記録されていません。",
    "{calls} failed.": "{calls}が失敗しました。",
    "They are grouped below by operation and error; every failure is in summary.json "
    "(completeness.errors). Figures for the affected registries are partial, and verdicts that "
    "needed the missing data are UNKNOWN. The rest of the report is complete.":
        "以下では操作とエラーごとにまとめています。すべての失敗は summary.json(completeness.errors)に"
        "あります。影響を受けたレジストリの数値は部分的であり、欠損したデータを必要とする判定は UNKNOWN"
        "(不明)です。レポートのその他の部分は完全です。",
    "Each failure is listed below; figures for the affected registries are partial, and verdicts "
    "that needed the missing data are UNKNOWN. The rest of the report is complete.":
        "各失敗を以下に示します。影響を受けたレジストリの数値は部分的であり、欠損したデータを必要とする"
        "判定は UNKNOWN(不明)です。レポートのその他の部分は完全です。",
    "{n} more failure in summary.json (completeness.errors).":
        "残り {n} 件の失敗は summary.json(completeness.errors)にあります。",
    "{n} more failures in summary.json (completeness.errors).":
        "残り {n} 件の失敗は summary.json(completeness.errors)にあります。",
    "Failed calls, grouped by operation and error": "失敗した API 呼び出し(操作とエラーごと)",
    "e.g. {example}": "例: {example}",
    "{n} more group; every failure is in summary.json (completeness.errors).":
        "残り {n} グループ。すべての失敗は summary.json(completeness.errors)にあります。",
    "{n} more groups; every failure is in summary.json (completeness.errors).":
        "残り {n} グループ。すべての失敗は summary.json(completeness.errors)にあります。",
    "Every failure is in summary.json (completeness.errors).":
        "すべての失敗は summary.json(completeness.errors)にあります。",

    # --- methodology: scope and conventions, long lists (viewmodel.build_methodology) -------
    "This report covers {scope}: accounts {accounts}; regions {regions}. All figures are as of "
    "{as_of}, the time of the snapshot taken by run {run_id}; ages and windows are measured from "
    "that time, so re-rendering the run gives the same report.":
        "このレポートの対象範囲は {scope} です(アカウント: {accounts}、リージョン: {regions})。すべての"
        "数値は、実行 {run_id} で取得したスナップショットの時点である {as_of} を基準日時としています。"
        "経過日数と期間はこの時点から測るため、この実行を再レンダリングしても同じレポートになります。",
    "Times are UTC (ISO 8601). Sizes use binary units (1 GiB = 2^30 bytes). Money is US dollars. "
    "A value shown as unknown or n/a could not be determined; it is never a zero.":
        "時刻は UTC(ISO 8601)です。サイズは 2 進単位(1 GiB = 2^30 バイト)です。金額は米ドルです。"
        "「不明」または「該当なし」と表示した値は特定できなかったものであり、ゼロではありません。",
    "Long lists are capped in this report. The complete tables are in the run directory: "
    "data/coverage.csv (one row per repository), data/compliance.csv (one row per repository and "
    "control), and summary.json for the headline figures and collection errors.":
        "このレポートでは長い一覧を途中で打ち切っています。完全なテーブルは実行ディレクトリにあります: "
        "data/coverage.csv(リポジトリごとに 1 行)、data/compliance.csv(リポジトリとコントロールの組み"
        "合わせごとに 1 行)、主要な数値と収集エラーは summary.json。",
    "{head} … and {n} more (every registry's value is in the run's data/ tables)":
        "{head} … ほか {n} 件(すべてのレジストリの値は実行ディレクトリの data/ のテーブルにあります)",

    # --- methodology: scan coverage (reports/coverage.py METHODOLOGY) -----------------------
    "Effective scan frequency is computed from each registry's scanning rules, not read from AWS. "
    "A repository filter without '*' matches every repository name that contains it; with '*', "
    "each '*' stands for zero or more characters and the rest of the filter must match the whole "
    "name (Amazon ECR User Guide, 'Filters to choose which repositories are scanned'). In enhanced "
    "(Amazon Inspector) registries a continuous-scanning filter wins over a scan-on-push filter, "
    "and a repository matching no filter is not scanned at all: enhanced scanning has no manual "
    "scans. In basic registries (and registries with no scanning configuration, which default to "
    "basic) a matching scan-on-push filter means scan on push; otherwise manual.":
        "実効スキャン頻度は、AWS から読み取るのではなく、各レジストリのスキャンルールから算出しています。"
        "'*' を含まないリポジトリフィルターは、その文字列を含むすべてのリポジトリ名に一致します。'*' を含む"
        "場合、各 '*' は 0 文字以上の任意の文字列を表し、フィルターの残りの部分がリポジトリ名全体と一致する"
        "必要があります(Amazon ECR ユーザーガイド「スキャンするリポジトリを選択するためのフィルター」)。"
        "拡張スキャン(Amazon Inspector)のレジストリでは、継続的スキャンのフィルターがプッシュ時スキャンの"
        "フィルターより優先され、どのフィルターにも一致しないリポジトリはまったくスキャンされません。拡張"
        "スキャンには手動スキャンがないためです。ベーシックスキャンのレジストリ(およびスキャン設定がなく、"
        "既定でベーシックとなるレジストリ)では、プッシュ時スキャンのフィルターに一致すればプッシュ時スキャン、"
        "一致しなければ手動です。",
    "The deprecated repository-level 'scanOnPush' setting: AWS documents that in a basic registry "
    "'any repositories not matching a basic scanning scan on push filter will be set to the manual "
    "scan frequency', so where the registry has scanning filters the old flag is reported but does "
    "not count. Where the registry has no scanning rules at all, the flag is the only setting there "
    "is and we honour it (source 'repository scanOnPush (deprecated setting)'); AWS does not "
    "document that case. We flag every repository where AWS's own per-repository answer "
    "(BatchGetRepositoryScanningConfiguration) disagrees. Where both are available the report shows "
    "both; AWS's answer is never taken as the truth (local emulators are known not to follow the "
    "documented filter semantics). When a registry's scanning configuration could not be "
    "collected, AWS's per-repository answer is used if present; otherwise the frequency is left "
    "blank and the repository is counted neither as scanned nor as unscanned.":
        "非推奨のリポジトリレベルの 'scanOnPush' 設定について: AWS のドキュメントには、ベーシックスキャンの"
        "レジストリでは「ベーシックスキャンのプッシュ時スキャンフィルターに一致しないリポジトリは、手動の"
        "スキャン頻度に設定される」と記載されています。そのため、レジストリにスキャンフィルターがある場合、"
        "古いフラグは表示しますが判定には使用しません。レジストリにスキャンルールがまったくない場合は、この"
        "フラグが唯一の設定であるため、これに従います(決定元「リポジトリの scanOnPush(非推奨の設定)」)。"
        "この場合の動作は AWS のドキュメントに記載されていません。AWS 自身のリポジトリ単位の回答"
        "(BatchGetRepositoryScanningConfiguration)と一致しないリポジトリには、すべてフラグを付けます。"
        "両方を取得できた場合は両方を表示しますが、AWS の回答を正とはみなしません(ローカルエミュレーターは"
        "ドキュメントどおりのフィルターの動作に従わないことが知られています)。レジストリのスキャン設定を"
        "収集できなかった場合は、AWS のリポジトリ単位の回答があればそれを使用し、なければ頻度を空欄とし、"
        "そのリポジトリはスキャン済みにも未スキャンにも数えません。",
    "Each image has one scan state. Enhanced registries: from Amazon Inspector coverage (ACTIVE = "
    "monitored for continuous repositories, scanned once for scan-on-push ones; INACTIVE with its "
    "reason, e.g. SCAN_ELIGIBILITY_EXPIRED when the rescan duration has lapsed; PENDING; "
    "UNSUPPORTED; no coverage record = never scanned). Basic registries: from "
    "DescribeImageScanFindings, or the image's legacy scan status; basic results never refresh, so "
    "a completed basic scan older than the stale threshold is shown as STALE_BASIC. Archived images "
    "cannot be scanned. Signature/SBOM artifacts (referrers), manifest lists (whose per-platform "
    "images are scanned instead) and other non-image OCI artifacts are marked UNSUPPORTED and left "
    "out of every 'scannable images' figure.":
        "各イメージのスキャン状態は 1 つです。拡張スキャンのレジストリでは Amazon Inspector のカバレッジから"
        "判定します(ACTIVE = 継続的スキャンのリポジトリでは監視中、プッシュ時スキャンのリポジトリでは 1 回"
        "スキャン済み。INACTIVE は理由付きで、例えば再スキャン期間が過ぎた場合は SCAN_ELIGIBILITY_EXPIRED。"
        "PENDING。UNSUPPORTED。カバレッジレコードなし = 未スキャン)。ベーシックスキャンのレジストリでは "
        "DescribeImageScanFindings、またはイメージの従来のスキャンステータスから判定します。ベーシックスキャン"
        "の結果は更新されないため、古さのしきい値を超えた完了済みのベーシックスキャンは STALE_BASIC と表示"
        "します。アーカイブ済みのイメージはスキャンできません。署名/SBOM アーティファクト(リファラー)、"
        "マニフェストリスト(代わりにプラットフォームごとのイメージがスキャンされます)、その他のイメージ以外の "
        "OCI アーティファクトは UNSUPPORTED とし、「スキャン可能なイメージ」のすべての数値から除外します。",
    "'Not checked' means we did not look, not that the image is clean or unscanned: "
    "DescribeImageScanFindings is one call per image, so it is called only for the images in the "
    "basic-findings scope stated in this report. Severity totals add the latest known result of "
    "each image; a blank means nothing is known, never zero. Amazon Inspector finding aggregations "
    "carry critical, high and medium counts only.":
        "「未確認」は確認していないという意味であり、イメージに問題がない、または未スキャンであるという"
        "意味ではありません。DescribeImageScanFindings はイメージごとに 1 回の呼び出しが必要なため、この"
        "レポートに記載したベーシックスキャン結果の範囲内のイメージに対してのみ呼び出しています。重大度の"
        "合計は、各イメージの既知の最新結果を足し合わせたものです。空欄は何もわかっていないことを意味し、"
        "ゼロではありません。Amazon Inspector の検出結果の集計には、重大、高、中の件数のみが含まれます。",
    "Basic-scan quota: 100,000 basic image scans per 24 hours per account and Region, not "
    "adjustable, counting scan-on-push and manual scans alike (Amazon ECR service quotas). "
    "Headroom is 100% x (1 - busiest UTC day's pushes to scan-on-push repositories in the last 30 "
    "days / 100,000), counting only container images still present in the registry; deleted "
    "images and manual scans are not visible, so real usage can be higher.":
        "ベーシックスキャンのクォータ: アカウントおよびリージョンごとに 24 時間あたり 100,000 回のベーシック"
        "イメージスキャンで、引き上げはできず、プッシュ時スキャンと手動スキャンの両方が数えられます"
        "(Amazon ECR のサービスクォータ)。余裕は 100% x (1 - 過去 30 日で最も多かった UTC 日の、プッシュ時"
        "スキャンのリポジトリへのプッシュ数 / 100,000) で、レジストリに現存するコンテナイメージのみを数えます。"
        "削除されたイメージと手動スキャンは見えないため、実際の使用量はこれより多い可能性があります。",
    "The Clair basic scan engine was deprecated and retired on 2 February 2026 (Amazon ECR User "
    "Guide, basic scanning); registries still reporting CLAIR are flagged.":
        "Clair ベーシックスキャンエンジンは非推奨となり、2026年2月2日に廃止されました(Amazon ECR "
        "ユーザーガイド、ベーシックスキャン)。まだ CLAIR を報告しているレジストリにはフラグを付けます。",
    # the basic-findings scope (BasicFindingsScope.describe)
    "Basic scan findings were read for {what}{cap}; archived images, manifest lists and "
    "signature/SBOM artifacts are never in scope. Other images in basic-scanning registries are "
    "shown as 'not checked', never as clean or unscanned.":
        "ベーシックスキャンの検出結果は、{what}{cap}について読み取りました。アーカイブ済みのイメージ、"
        "マニフェストリスト、署名/SBOM アーティファクトは対象外です。ベーシックスキャンのレジストリにある"
        "その他のイメージは「未確認」と表示し、問題なしや未スキャンとしては扱いません。",
    "the newest image of each repository": "各リポジトリの最新のイメージ",
    "every image pushed in the {days} days before the snapshot":
        "スナップショット前の {days} 日間にプッシュされたすべてのイメージ",
    "{first} and {second}": "{first}と{second}",
    "no images": "0 件のイメージ",
    ", at most {n} images in all": "(合計最大 {n} イメージ)",

    # --- analysis notes (reports/coverage.py) ----------------------------------------------
    "Images not checked for that reason: {n}.": "この理由で未確認のイメージ: {n} 件。",
    "{n} artifact": "{n} アーティファクト",
    "{n} artifacts": "{n} アーティファクト",
    "{repositories}: AWS's per-repository scan frequency disagrees with the registry rules; both "
    "are shown and the registry rules (documented semantics) decide the reported frequency.":
        "{repositories}: AWS のリポジトリ単位のスキャン頻度がレジストリルールと一致しません。両方を表示し、"
        "報告する頻度はレジストリルール(ドキュメントに記載された動作)で決めています。",
    "{repositories}: scan on push only through the deprecated repository-level scanOnPush setting; "
    "a registry scan-on-push filter should replace it.":
        "{repositories}: 非推奨のリポジトリレベルの scanOnPush 設定によってのみプッシュ時スキャンが"
        "行われています。レジストリのプッシュ時スキャンフィルターに置き換えてください。",
    "{repositories} still set the deprecated repository-level scanOnPush=true, which no longer "
    "applies because the registry's scan-on-push filters do not match them: they are scanned "
    "manually only.":
        "{repositories}で非推奨のリポジトリレベルの scanOnPush=true が設定されたままですが、レジストリの"
        "プッシュ時スキャンフィルターに一致しないため適用されません。これらは手動でのみスキャンされます。",
    "{repositories} in enhanced-scanning registries: no scanning filter matches, so Amazon "
    "Inspector does not scan them at all.":
        "拡張スキャンのレジストリ内の {repositories}: どのスキャンフィルターにも一致しないため、Amazon "
        "Inspector はこれらをまったくスキャンしません。",
    "Registry scanning configuration was not collected for {registries}: scan frequency and image "
    "scan states there are unknown, not zero.":
        "{registries} のレジストリスキャン設定は収集できませんでした。これらのスキャン頻度とイメージの"
        "スキャン状態は不明であり、ゼロではありません。",
    "Registries reporting the Clair basic scan engine, retired on 2026-02-02: {registries}. Clair "
    "scans and their earlier results are no longer available and AWS moves such registries to "
    "AWS_NATIVE basic scanning; re-check the account setting.":
        "2026年2月2日に廃止された Clair ベーシックスキャンエンジンを報告しているレジストリ: {registries}。"
        "Clair のスキャンと過去の結果は利用できなくなっており、AWS はこれらのレジストリを AWS_NATIVE の"
        "ベーシックスキャンに移行します。アカウントの設定を再確認してください。",
    "Registries using the deprecated Clair basic scan engine: {registries}. Clair is retired on "
    "2026-02-02; switch BASIC_SCAN_TYPE_VERSION to AWS_NATIVE.":
        "非推奨の Clair ベーシックスキャンエンジンを使用しているレジストリ: {registries}。Clair は "
        "2026年2月2日に廃止されます。BASIC_SCAN_TYPE_VERSION を AWS_NATIVE に切り替えてください。",
    "{images} with a basic scan older than {days} days: basic results never refresh, so newer CVEs "
    "are not reflected.":
        "{images}のベーシックスキャンが {days} 日より古くなっています。ベーシックスキャンの結果は更新"
        "されないため、新しい CVE は反映されていません。",
    "{images} in enhanced-scanning registries not checked: no Amazon Inspector coverage data was "
    "available for their account and Region.":
        "拡張スキャンのレジストリ内の {images}が未確認です。該当するアカウントとリージョンの Amazon "
        "Inspector のカバレッジデータを取得できませんでした。",
    "{artifacts} left out of the scannable totals: signatures/SBOMs, manifest lists and non-image "
    "OCI artifacts are not container images to scan.":
        "{artifacts}をスキャン可能な合計から除外しました。署名/SBOM、マニフェストリスト、イメージ以外の "
        "OCI アーティファクトは、スキャン対象のコンテナイメージではありません。",
    "{account}/{region}: basic-scan quota headroom is only {pct}% on the busiest day of the last "
    "30.":
        "{account}/{region}: 過去 30 日で最も多かった日のベーシックスキャンのクォータ余裕は {pct}% しか"
        "ありません。",

    # --- methodology: compliance controls (reports/compliance.py METHODOLOGY) --------------
    "Control verdicts are this report's own evaluation of the documented logic of the AWS Security "
    "Hub controls ECR.1, ECR.2, ECR.3, ECR.5 and Inspector.2, one row per repository; they are not "
    "Security Hub findings. A verdict is UNKNOWN whenever the data it needs could not be "
    "collected: missing data never passes or fails.":
        "コントロールの判定は、AWS Security Hub のコントロール ECR.1、ECR.2、ECR.3、ECR.5、Inspector.2 の"
        "ドキュメントに記載されたロジックを、このレポートが独自に評価したもので、リポジトリごとに 1 行です。"
        "Security Hub の検出結果ではありません。判定に必要なデータを収集できなかった場合、判定は UNKNOWN"
        "(不明)になります。データの欠損が合格や不合格になることはありません。",
    "ECR.1 uses the effective scan frequency computed from the registry rules (see scan coverage). "
    "ECR.2 passes only IMMUTABLE; IMMUTABLE_WITH_EXCLUSION and MUTABLE_WITH_EXCLUSION fail, because "
    "the control text passes only IMMUTABLE and how Security Hub treats the exclusion values is "
    "unconfirmed. ECR.3 checks only that a lifecycle policy is present; its content is judged in "
    "the lifecycle section. ECR.5 passes KMS or KMS_DSSE encryption with a key reference other than "
    "the AWS managed alias/aws/ecr; a KMS repository without a key ARN uses the AWS managed key and "
    "fails. A key referenced only by key ARN is taken as customer managed (telling an AWS managed "
    "key's ARN apart needs kms:DescribeKey). Inspector.2 is an account-and-Region control, repeated "
    "on each repository: it passes when Amazon Inspector ECR scanning is ENABLED.":
        "ECR.1 は、レジストリルールから算出した実効スキャン頻度を使用します(スキャン範囲を参照)。ECR.2 は "
        "IMMUTABLE のみを合格とします。コントロールの説明が IMMUTABLE のみを合格としており、Security Hub が"
        "除外付きの値をどう扱うかは未確認のため、IMMUTABLE_WITH_EXCLUSION と MUTABLE_WITH_EXCLUSION は"
        "不合格とします。ECR.3 はライフサイクルポリシーが存在するかどうかのみを確認します。その内容は"
        "ライフサイクルのセクションで評価します。ECR.5 は、AWS マネージドの alias/aws/ecr 以外のキーを参照"
        "する KMS または KMS_DSSE の暗号化を合格とします。キー ARN のない KMS リポジトリは AWS マネージド"
        "キーを使用しているため不合格です。キー ARN のみで参照されるキーはカスタマーマネージドとみなします"
        "(AWS マネージドキーの ARN と区別するには kms:DescribeKey が必要です)。Inspector.2 はアカウントと"
        "リージョン単位のコントロールで、各リポジトリに繰り返し表示します。Amazon Inspector の ECR スキャン"
        "が ENABLED のとき合格です。",

    # --- methodology: cost lines, data collection (finops.py, analyse.py) ------------------
    "data/cost_lines.csv restates every monthly figure above, one row per resource and cost "
    "component, with FinOps FOCUS {version} column names (focus.finops.org) where FOCUS has the "
    "column and x_ columns of ours otherwise; the about sheet of data/finops.xlsx lists which is "
    "which. They are list-price projections for the 30 days after the snapshot, not bills: "
    "BilledCost is left empty, and avoided costs and savings are negative rows, told apart by "
    "x_CostKind.":
        "data/cost_lines.csv は、上記のすべての月額の数値を、リソースとコスト要素ごとに 1 行で再掲した"
        "ものです。FOCUS に該当する列がある場合は FinOps FOCUS {version} の列名(focus.finops.org)を、"
        "ない場合は独自の x_ 列を使用しています。どちらであるかは data/finops.xlsx の about シートに記載"
        "しています。これらはスナップショット後 30 日間の定価ベースの予測であり、請求額ではありません。"
        "BilledCost は空欄とし、回避されたコストと削減額は負の値の行として x_CostKind で区別しています。",
    "{n} read-only API calls were made; every response is kept under raw/ in the run directory, "
    "verbatim except task definitions and role assumptions, which are cut to what the report reads "
    "so that no secret is kept, and every figure in this report is computed from those responses "
    "as of the snapshot time, never from the clock.":
        "読み取り専用の API 呼び出しを {n} 回行いました。すべてのレスポンスは実行ディレクトリの raw/ に"
        "保存しています (タスク定義とロールの引き受けは、秘密情報を残さないようレポートが使う項目だけに"
        "絞り、それ以外はそのまま)。このレポートのすべての数値は、時計ではなくスナップショットの時点を基準に、"
        "それらのレスポンスから算出しています。",

    # --- the render tests' hand-built report (tests/render/conftest.py) ---------------------
    "Computed from the registry scanning rules, their WILDCARD filters and the legacy "
    "repository-level scanOnPush setting.":
        "レジストリのスキャンルール、その WILDCARD フィルター、従来のリポジトリレベルの scanOnPush 設定から"
        "算出しています。",
    "Amazon ECR User Guide; AWS Security Hub control reference.":
        "Amazon ECR ユーザーガイド、AWS Security Hub コントロールリファレンス。",
    "ECR.3 is judged on the presence of a lifecycle policy only; its content is not evaluated.":
        "ECR.3 はライフサイクルポリシーの有無のみで判定しており、その内容は評価していません。",
    "Basic findings were read for the newest image of each repository and images pushed in the "
    "last 30 days.":
        "ベーシックスキャンの検出結果は、各リポジトリの最新のイメージと、過去 30 日間にプッシュされた"
        "イメージについて読み取りました。",
    # --- account discovery from AWS Organizations (scope line, data completeness) ------------
    "{n} of the organization's accounts were not collected; none of their figures are in this report.":
        "組織のアカウントのうち {n} 件は収集されていません。それらの数値はこのレポートに含まれていません。",
    "{n} accounts from organization {org} (management account {management}).":
        "組織 {org}(管理アカウント {management})の {n} アカウントが対象です。",
    "{m} left out ({reasons}): {accounts}.": "{m} アカウントを対象外としました({reasons}):{accounts}。",
    "No account of it was left out.": "対象外としたアカウントはありません。",
    "{n} accounts from organization {org}": "組織 {org} の {n} アカウント",
    "{n} accounts from organization {org} ({m} left out: {reasons})": "組織 {org} の {n} アカウント({m} 件対象外:{reasons})",
}

#: (pattern, replacement) for strings with values in them, tried in order after every exact key.
PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # evidence as the render tests' hand-built report words it: "imageTagMutability=MUTABLE for x"
    (re.compile(r"^([A-Za-z]+)=([A-Z0-9_]+) for (.+)$", re.S), lambda m: f"{m[3]} の {m[1]}={m[2]}"),
)
