"""Japanese catalog for the lifecycle section and its methodology.

Keys are the English text exactly as the report shows it, or the template given to
`reports.text.msg`; values keep the template's {placeholders}. The lifecycle analysis keeps its
validation issues (reports/lifecycle/validate.py) and lint warnings (lint.py, lint_table.py) as
facts: a message id, which is the English template translated here, and its parameters.
tests/lifecycle/test_lifecycle_japanese.py reads every message id those modules can emit from
their source and checks that each has an entry here."""

from __future__ import annotations

import re
from collections.abc import Callable

JA: dict[str, str] = {
    # --- section: figures ---------------------------------------------------------------------
    "Images expiring now (partial)": "今すぐ期限切れになるイメージ(部分的)",
    "Reclaimable storage now (partial)": "現在回収可能なストレージ(部分的)",
    "current policies; {n} repository act today": "現在のポリシー、本日動作するのは {n} リポジトリ",
    "current policies; {n} repositories act today": "現在のポリシー、本日動作するのは {n} リポジトリ",
    "{usd} / month; {basis}": "{usd} / 月、{basis}",
    "{n} images; {usd} / month; {basis}": "{n} イメージ、{usd} / 月、{basis}",
    "exact bytes": "正確なバイト",
    "naive bytes": "単純合計バイト",
    "naive bytes, upper bound": "単純合計バイト、上限値",
    "unknown images": "イメージ数不明",
    "n/a images": "イメージ数: 該当なし",
    "Proposed policy": "提案ポリシー",
    "invalid": "無効",
    "none": "なし",
    "rejected; see below": "拒否されます(下記参照)",
    "not configured": "未設定",
    # --- section: paragraphs ------------------------------------------------------------------
    "What each repository's lifecycle policy would expire or move to archive at its next run, evaluated "
    "offline and exactly as ECR's documented rules say, as of the snapshot time; and the same for the "
    "proposed policy.":
        "各リポジトリのライフサイクルポリシーが次回の実行で期限切れ(削除)またはアーカイブにするものを、"
        "スナップショット時点を基準に、ECR の文書化されたルールどおりにオフラインで評価しています。"
        "提案ポリシーについても同様です。",
    "Nothing has been deleted: these are previews.": "何も削除していません。これらはプレビューです。",
    "The lifecycle table is not available for this run, so this part of the report could not be produced.":
        "この実行ではライフサイクルテーブルを利用できないため、レポートのこの部分は作成できませんでした。",
    "It is not evidence that there is nothing to reclaim.": "回収できるものがないことを示すものではありません。",
    "The lifecycle policy of {n} repository could not be read; what it would reclaim is unknown, not zero, "
    "and is not in the totals.":
        "{n} リポジトリのライフサイクルポリシーを読み取れませんでした。回収される量はゼロではなく不明で、"
        "合計には含まれていません。",
    "The lifecycle policy of {n} repositories could not be read; what they would reclaim is unknown, not "
    "zero, and is not in the totals.":
        "{n} リポジトリのライフサイクルポリシーを読み取れませんでした。回収される量はゼロではなく不明で、"
        "合計には含まれていません。",
    "The proposed policy ({source}) would be rejected by ECR, so no proposed scenario was computed:":
        "提案ポリシー({source})は ECR に拒否されるため、提案シナリオは計算していません:",
    "the proposed policy": "提案ポリシー",
    "ecr-report built-in baseline": "ecr-report 組み込みベースライン",
    "every repository": "すべてのリポジトリ",
    "the repositories without a policy": "ポリシーのないリポジトリ",
    "Proposed: {source}, put on {where} ({n} repository).":
        "提案: {source}、適用先は{where}({n} リポジトリ)です。",
    "Proposed: {source}, put on {where} ({n} repositories).":
        "提案: {source}、適用先は{where}({n} リポジトリ)です。",
    "In the repositories without a policy it would expire {images} images ({bytes}, {usd} a month) and "
    "move {archive} to archive.":
        "ポリシーのないリポジトリでは、{images} イメージ({bytes}、月額 {usd})が期限切れになり、"
        "{archive} がアーカイブに移動します。",
    "saves no storage money": "ストレージ料金の削減はありません",
    "saves {usd} per GB-month": "1 GB 月あたり {usd} の削減になります",
    "At the archive price used, {archive} per GB-month{status} against {standard} for standard storage, "
    "archiving {saving}; archived images are billed for at least {days} days ({commitment} for the images "
    "this would archive), and they must be restored before they can be pulled again.":
        "使用したアーカイブ価格は 1 GB 月あたり {archive}{status}、標準ストレージは {standard} のため、"
        "アーカイブすると、{saving}。アーカイブされたイメージには少なくとも {days} 日分の料金がかかり"
        "(今回アーカイブされるイメージでは {commitment})、再びプルするには復元が必要です。",
    "current policies": "現在のポリシー",
    "Two byte figures.": "バイト数は 2 種類あります。",
    "Naive adds up the image sizes ECR reports; exact reads the manifests and counts each layer once, only "
    "when no image that stays in the repository still uses it.":
        "単純合計は ECR が報告するイメージサイズを合計したものです。正確なバイトはマニフェストを読み取り、"
        "リポジトリに残るどのイメージも使用していないレイヤーだけを 1 回ずつ数えたものです。",
    "Shared base layers and multi-architecture images make naive overstate what is freed.":
        "共有ベースレイヤーやマルチアーキテクチャイメージがあると、単純合計は解放される量を過大に見積もります。",
    "Where only naive bytes exist, the repository's manifests were not read (over the per-registry budget).":
        "単純合計バイトしかないリポジトリは、マニフェストを読み取っていません(レジストリごとの上限を超えたため)。",
    "Shared base layers and multi-architecture images make naive overstate what is freed: {figures}.":
        "共有ベースレイヤーやマルチアーキテクチャイメージがあると、単純合計は解放される量を過大に見積もります: "
        "{figures}。",
    "for {scenario}, {exact} exact against {naive} naive ({pct}% less)":
        "{scenario}では正確なバイト {exact}、単純合計 {naive}({pct}% 少ない)",
    "{first}; {second}": "{first}、{second}",
    "{expiring} / {total}": "{expiring} / {total}",
    "Bytes are naive (the image sizes ECR reports): manifests were not read ([lifecycle] exact_bytes = false).":
        "バイト数は単純合計(ECR が報告するイメージサイズ)です。マニフェストは読み取っていません"
        "([lifecycle] exact_bytes = false)。",
    "Naive overstates what is freed when images share layers, and counts the children of multi-architecture "
    "manifest lists, which AWS keeps while their list stays: {n} repository with a policy (marked upper "
    "bound).":
        "イメージがレイヤーを共有していると、単純合計は解放される量を過大に見積もります。また、マルチアーキテクチャの"
        "マニフェストリストの子イメージも数えますが、AWS はリストが残っている間それらを保持します。該当するのは"
        "ポリシーのある {n} リポジトリです(上限値と表示)。",
    "Naive overstates what is freed when images share layers, and counts the children of multi-architecture "
    "manifest lists, which AWS keeps while their list stays: {n} repositories with a policy (marked upper "
    "bound).":
        "イメージがレイヤーを共有していると、単純合計は解放される量を過大に見積もります。また、マルチアーキテクチャの"
        "マニフェストリストの子イメージも数えますが、AWS はリストが残っている間それらを保持します。該当するのは"
        "ポリシーのある {n} リポジトリです(上限値と表示)。",
    "Set exact_bytes = true to read manifests.": "マニフェストを読み取るには exact_bytes = true を設定してください。",
    "Every row is in data/lifecycle.csv, every image acted on in data/lifecycle_actions.csv.":
        "すべての行は data/lifecycle.csv に、対象となるすべてのイメージは data/lifecycle_actions.csv にあります。",
    # --- section: tables and chart ------------------------------------------------------------
    "Proposed": "提案",
    "Proposed: expiring": "提案: 期限切れ",
    "Proposed / month": "提案 / 月",
    "{n} repository unknown, not counted": "{n} リポジトリは不明のため集計外",
    "{n} repositories unknown, not counted": "{n} リポジトリは不明のため集計外",
    "not read": "未取得",
    "policy": "ポリシーあり",
    "not evaluable": "評価不可",
    "proposed": "提案",
    "own policy": "自身のポリシー",
    "upper bound": "上限値",
    "{where} · {notes}": "{where} · {notes}",
    "{where} · pull-through cache": "{where} · プルスルーキャッシュ",
    "Reclaimable storage by repository ({unit}), top {n}": "リポジトリ別の回収可能ストレージ({unit})、上位 {n} 件",
    "Current policy": "現在のポリシー",
    "Added by the proposed policy": "提案ポリシーによる追加分",
    "Exact bytes where manifests were read, naive otherwise.":
        "マニフェストを読み取ったリポジトリは正確なバイト、それ以外は単純合計バイトです。",
    "proposed policy": "提案ポリシー",
    "{names} and {n} more": "{names} ほか {n} 件",
    "{warning}: {repositories}.": "{warning}: {repositories}。",
    "the policy expires or archives nothing among the repository's images today; it still passes Security "
    "Hub ECR.3":
        "現時点でリポジトリのどのイメージも期限切れ・アーカイブにしないポリシーです(それでも Security Hub "
        "ECR.3 には合格します)",
    "created by a pull-through cache rule and has no lifecycle policy: cached images accumulate (and are "
    "billed) until deleted by hand":
        "プルスルーキャッシュルールで作成され、ライフサイクルポリシーがありません。キャッシュされたイメージは"
        "手動で削除するまで蓄積し、課金され続けます",
    "{n} more row of warnings in data/lifecycle_lint.csv.": "残り {n} 行の警告は data/lifecycle_lint.csv にあります。",
    "{n} more rows of warnings in data/lifecycle_lint.csv.": "残り {n} 行の警告は data/lifecycle_lint.csv にあります。",
    "The lint table is not available.": "Lint テーブルを利用できません。",
    # --- lint warnings: LintWarning.message_id (reports/lifecycle/lint.py, lint_table.py) -----
    "rule {index} (priority {priority}): {warning}": "ルール {index}(優先度 {priority}): {warning}",
    "AWS accepted this policy but ecr-report's validator does not: {issues}. Its figures are unknown.":
        "AWS はこのポリシーを受け付けましたが、ecr-report のバリデーターは受け付けません: {issues}。"
        "このリポジトリの数値は不明です。",
    "{key} {entries} selects only images carrying tags that match ALL {n} entries (AND, not OR); for OR "
    "write one rule per entry":
        "{key} {entries} が選択するのは、{n} 個のエントリすべてに一致するタグを持つイメージだけです(OR ではなく "
        "AND)。OR にするには、エントリごとに 1 つのルールを書いてください",
    "tagPrefixList entry {entry} contains '*', which a prefix list takes literally (no tag can contain it); "
    "use tagPatternList for wildcards":
        "tagPrefixList のエントリ {entry} に '*' が含まれていますが、プレフィックスリストではこれを文字どおりに"
        "扱います(この文字を含むタグはありえません)。ワイルドカードには tagPatternList を使用してください",
    "can never act: every image it could select also matches the selection of rule {rule} (priority "
    "{priority}), which claims it first":
        "このルールが動作することはありません。選択しうるすべてのイメージがルール {rule}(優先度 {priority})の"
        "選択にも一致し、そちらが先に取得します",
    "expires or archives nothing among the repository's {n} images as of {as_of}; the policy still passes "
    "Security Hub ECR.3":
        "{as_of} 時点で、リポジトリの {n} イメージのうち期限切れ・アーカイブになるものはありません(このポリシーでも "
        "Security Hub ECR.3 には合格します)",
    "all {n} of its candidates are claimed today by higher-priority rules, so it acts on none of them":
        "候補 {n} 件のすべてが現時点で優先度の高いルールに取得されるため、このルールはどれにも動作しません",
    "repository was created by a pull-through cache rule and has no lifecycle policy: cached images "
    "accumulate (and are billed) until deleted by hand":
        "リポジトリはプルスルーキャッシュルールで作成され、ライフサイクルポリシーがありません。キャッシュされた"
        "イメージは手動で削除するまで蓄積し、課金され続けます",
    "uses sinceImagePulled but the registry registers no pull-time update exclusion: scanners' and "
    "replication's own pulls may keep refreshing pull times so images never age out":
        "sinceImagePulled を使用していますが、レジストリにプル時刻更新の除外が"
        "登録されていません。スキャナーやレプリケーション自身のプルがプル時刻を更新し続け、イメージがいつまでも"
        "期限に達しない可能性があります",
    # --- validation issues: PolicyIssue.message_id (reports/lifecycle/validate.py) ------------
    "rule {index} (priority {priority}): {issue}": "ルール {index}(優先度 {priority}): {issue}",
    "rule {index}: {issue}": "ルール {index}: {issue}",
    "policy: {issue}": "ポリシー: {issue}",
    "policy text has {n} characters; the maximum is {limit}":
        "ポリシーテキストが {n} 文字あります(上限は {limit} 文字)",
    "policy text has {n} characters; the API minimum is {limit}":
        "ポリシーテキストが {n} 文字しかありません(API の下限は {limit} 文字)",
    "policy text is empty": "ポリシーテキストが空です",
    "not valid JSON: {error} at line {line} column {column}":
        "有効な JSON ではありません: {error}({line} 行 {column} 列)",
    "policy must be a JSON object with a \"rules\" list":
        "ポリシーは \"rules\" リストを持つ JSON オブジェクトである必要があります",
    "unknown top-level key {key}": "不明なトップレベルキー {key}",
    "\"rules\" must be a non-empty list": "\"rules\" は空でないリストである必要があります",
    "policy has {n} rules; the maximum is {limit}": "ポリシーのルールが {n} 個あります(上限は {limit} 個)",
    "rule must be a JSON object": "ルールは JSON オブジェクトである必要があります",
    "unknown rule key {key}": "不明なルールキー {key}",
    "rulePriority is required": "rulePriority は必須です",
    "rulePriority must be an integer >= 1, got {value}":
        "rulePriority は 1 以上の整数である必要があります(指定値: {value})",
    "description must be a string": "description は文字列である必要があります",
    "selection is required and must be an object": "selection は必須で、オブジェクトである必要があります",
    "action is required and must be an object": "action は必須で、オブジェクトである必要があります",
    "unknown selection key {key}": "不明な selection キー {key}",
    "selection.tagStatus is required": "selection.tagStatus は必須です",
    "tagStatus must be one of tagged, untagged, any; got {value}":
        "tagStatus は tagged、untagged、any のいずれかである必要があります(指定値: {value})",
    "{key} must be a non-empty list of non-empty strings":
        "{key} は空でない文字列からなる、空でないリストである必要があります",
    "tagPatternList entry {entry} has {n} wildcards; the maximum is {limit}":
        "tagPatternList のエントリ {entry} にワイルドカードが {n} 個あります(上限は {limit} 個)",
    "a rule may specify tagPatternList or tagPrefixList, not both":
        "1 つのルールで指定できるのは tagPatternList と tagPrefixList のどちらか一方だけです",
    "tagStatus \"tagged\" requires tagPatternList or tagPrefixList":
        "tagStatus \"tagged\" には tagPatternList または tagPrefixList が必要です",
    "tagStatus {value} must omit tagPatternList and tagPrefixList":
        "tagStatus {value} では tagPatternList と tagPrefixList を指定できません",
    "selection.countType is required": "selection.countType は必須です",
    "countType must be one of {types}; got {value}":
        "countType は {types} のいずれかである必要があります(指定値: {value})",
    "countType {value} requires countUnit \"days\"": "countType {value} には countUnit \"days\" が必要です",
    "countUnit is only allowed with sinceImagePushed, sinceImagePulled or sinceImageTransitioned":
        "countUnit を指定できるのは sinceImagePushed、sinceImagePulled、sinceImageTransitioned の場合だけです",
    "countUnit must be \"days\"; got {value}": "countUnit は \"days\" である必要があります(指定値: {value})",
    "selection.countNumber is required": "selection.countNumber は必須です",
    "countNumber must be a positive integer; got {value}":
        "countNumber は正の整数である必要があります(指定値: {value})",
    "storageClass must be \"standard\" or \"archive\"; got {value}":
        "storageClass は \"standard\" または \"archive\" である必要があります(指定値: {value})",
    "unknown action key {key}": "不明な action キー {key}",
    "action.type is required": "action.type は必須です",
    "action.type must be \"expire\" or \"transition\"; got {value}":
        "action.type は \"expire\" または \"transition\" である必要があります(指定値: {value})",
    "action \"transition\" requires targetStorageClass \"archive\"":
        "action \"transition\" には targetStorageClass \"archive\" が必要です",
    "targetStorageClass must be \"archive\"; got {value}":
        "targetStorageClass は \"archive\" である必要があります(指定値: {value})",
    "targetStorageClass is only allowed with action \"transition\"":
        "targetStorageClass を指定できるのは action \"transition\" の場合だけです",
    "countType \"sinceImagePulled\" must be used with action \"transition\"":
        "countType \"sinceImagePulled\" は action \"transition\" と組み合わせる必要があります",
    "countType \"sinceImageTransitioned\" must be used with action \"expire\"":
        "countType \"sinceImageTransitioned\" は action \"expire\" と組み合わせる必要があります",
    "countType \"sinceImageTransitioned\" requires storageClass \"archive\"":
        "countType \"sinceImageTransitioned\" には storageClass \"archive\" が必要です",
    "storageClass \"archive\" is only supported with countType \"sinceImageTransitioned\", not {value}":
        "storageClass \"archive\" がサポートされるのは countType \"sinceImageTransitioned\" の場合だけです"
        "({value} は不可)",
    "rulePriority {priority} is also used by rule {rule}; priorities must be unique":
        "rulePriority {priority} はルール {rule} でも使用されています(優先度は一意である必要があります)",
    "tagStatus \"any\" must have the highest rulePriority among rules selecting storageClass {storage}":
        "tagStatus \"any\" のルールは、storageClass {storage} を選択するルールの中で最も大きい rulePriority "
        "である必要があります",
    "only one rule selecting storageClass {storage} may select untagged images (rule {rule} already does)":
        "storageClass {storage} を選択するルールのうち、タグなしイメージを選択できるのは 1 つだけです"
        "(ルール {rule} が既に選択しています)",
    "{key} {value} repeats rule {rule}; rules selecting storageClass {storage} must have unique tag lists":
        "{key} {value} はルール {rule} と重複しています(storageClass {storage} を選択するルールのタグリストは"
        "一意である必要があります)",
    # --- analysis notes (concern._notes) ------------------------------------------------------
    "Lifecycle: the policy of {n} repository could not be read; what it would reclaim is unknown (not zero) "
    "and is left out of the totals.":
        "ライフサイクル: {n} リポジトリのポリシーを読み取れませんでした。回収される量は不明(ゼロではありません)で、"
        "合計から除外しています。",
    "Lifecycle: the policy of {n} repositories could not be read; what it would reclaim is unknown (not "
    "zero) and is left out of the totals.":
        "ライフサイクル: {n} リポジトリのポリシーを読み取れませんでした。回収される量は不明(ゼロではありません)で、"
        "合計から除外しています。",
    "Lifecycle: {n} repository has a policy that ecr-report's validator does not accept; their figures are "
    "unknown (see data/lifecycle_lint.csv).":
        "ライフサイクル: {n} リポジトリのポリシーを ecr-report のバリデーターが受け付けません。その数値は不明です"
        "(data/lifecycle_lint.csv を参照)。",
    "Lifecycle: {n} repositories have a policy that ecr-report's validator does not accept; their figures "
    "are unknown (see data/lifecycle_lint.csv).":
        "ライフサイクル: {n} リポジトリのポリシーを ecr-report のバリデーターが受け付けません。その数値は不明です"
        "(data/lifecycle_lint.csv を参照)。",
    "Lifecycle: {source} is not a policy ECR would accept, so no proposed scenario was computed: "
    "{issues}{more}":
        "ライフサイクル: {source} は ECR が受け付けるポリシーではないため、提案シナリオは計算していません: "
        "{issues}{more}",
    "Lifecycle: AWS's own preview disagrees with ecr-report's evaluation for {n} of {total} sampled "
    "repositories.":
        "ライフサイクル: サンプルとした {total} リポジトリのうち {n} リポジトリで、AWS 自身のプレビューと "
        "ecr-report の評価が一致しません。",
    # --- methodology: concern._methodology ----------------------------------------------------
    "${amount} per {unit} ({source}, {date}; status: {status})":
        "1 {unit}あたり ${amount}({source}、{date}、状態: {status})",
    "{price}; the us-east-1 price is used for {regions}": "{price}({regions} には us-east-1 の価格を使用)",
    "Prices: standard storage {standard}; archive storage {archive}. Archived images are billed for at least "
    "{days} days ({source}): archive_commitment_usd is that minimum for the bytes a policy would move to "
    "archive, the least it costs even if those images are deleted early. With the archive price equal to the "
    "standard one below 150 TB, archiving saves no storage money at that scale; it only keeps images "
    "restorable at the same price.":
        "価格: 標準ストレージは {standard}、アーカイブストレージは {archive}です。アーカイブされたイメージには"
        "少なくとも {days} 日分の料金がかかります({source})。archive_commitment_usd は、ポリシーがアーカイブに"
        "移動するバイトに対するこの最低料金で、それらのイメージを早期に削除しても最低限かかる費用です。150 TB "
        "未満ではアーカイブ価格が標準価格と同じため、その規模ではアーカイブしてもストレージ料金は削減されず、"
        "同じ価格で復元可能な状態を保てるだけです。",
    "UNCONFIRMED prices (no official source could be retrieved): {items}.":
        "UNCONFIRMED の価格(公式の出典を取得できなかったもの): {items}。",
    "Scenarios.": "シナリオ:",
    "'Current' evaluates each repository's own lifecycle policy as collected.":
        "「現在」は、収集した各リポジトリ自身のライフサイクルポリシーを評価します。",
    "A repository whose policy could not be read (UNKNOWN) or that ecr-report's validator refuses (INVALID) "
    "has unknown figures and is left out of the totals, never counted as reclaiming nothing.":
        "ポリシーを読み取れなかったリポジトリ(UNKNOWN)や、ecr-report のバリデーターが拒否するリポジトリ"
        "(INVALID)は数値が不明となり、合計から除外します。回収量ゼロとして数えることはありません。",
    "'Proposed' is the fleet after the proposed policy ({source}) is put on {where}.":
        "「提案」は、提案ポリシー({source})を{where}に適用した後のフリートです。",
    "the repositories without a policy; the others keep their own (KEPT)":
        "ポリシーのないリポジトリ(その他のリポジトリは自身のポリシーを維持: KEPT)",
    "none configured": "未設定",
    "Dollar model. Monthly saving = GiB expired from standard storage x the standard storage price + GiB "
    "expired from archive x the archive price + GiB moved to archive x (standard - archive price). Bytes are "
    "the exact figure where every manifest of the repository was read, the naive one otherwise (the "
    "bytes_basis column says which); 1 GiB = 2^30 bytes. The saving is a monthly run rate from the next "
    "lifecycle run on; ECR acts within 24 hours of an image meeting a rule.":
        "金額モデル: 月間削減額 = 標準ストレージから期限切れになる GiB × 標準ストレージ価格 + アーカイブから"
        "期限切れになる GiB × アーカイブ価格 + アーカイブに移動する GiB × (標準価格 − アーカイブ価格)。"
        "バイト数は、リポジトリのすべてのマニフェストを読み取った場合は正確な値、それ以外は単純合計です"
        "(どちらを使ったかは bytes_basis 列に示します)。1 GiB = 2^30 バイトです。削減額は次回のライフサイクル"
        "実行以降の月額ランレートです。ECR はイメージがルールに該当してから 24 時間以内に処理します。",
    "Exact bytes. Manifests were read with BatchGetImage for the repositories where some policy acts today, "
    "whole repositories, largest reclaim first, up to [lifecycle] exact_bytes_max_images per registry; "
    "elsewhere only naive bytes are shown.":
        "正確なバイト: 現時点で何らかのポリシーが動作するリポジトリについて、BatchGetImage でマニフェストを"
        "読み取りました。リポジトリ単位で回収量の大きい順に、レジストリごとに [lifecycle] exact_bytes_max_images "
        "件までです。それ以外のリポジトリでは単純合計バイトのみを示します。",
    "Exact bytes. Manifests were not read in this run ([lifecycle] exact_bytes = false), so only naive bytes "
    "are shown; naive bytes overstate what is freed when expiring images share layers with images that stay. "
    "Without manifests, the child images of a multi-architecture manifest list cannot be recognised either: "
    "AWS keeps them while their list stays, the offline evaluation may count them, so a repository holding "
    "manifest lists has figures that are an upper bound (upper_bound column).":
        "正確なバイト: この実行ではマニフェストを読み取っていない([lifecycle] exact_bytes = false)ため、単純合計"
        "バイトのみを示します。期限切れになるイメージが残るイメージとレイヤーを共有している場合、単純合計バイトは"
        "解放される量を過大に見積もります。また、マニフェストがないとマルチアーキテクチャのマニフェストリストの"
        "子イメージも識別できません。AWS はリストが残っている間それらを保持しますが、オフライン評価では数える"
        "場合があるため、マニフェストリストを含むリポジトリの数値は上限値です(upper_bound 列)。",
    # --- methodology: METHODOLOGY (methodology.py), one key per report paragraph --------------
    "What is followed exactly. Rules are evaluated in rulePriority order (lowest number first). For each "
    "rule the evaluator computes its candidates (tagStatus, tag lists, storage class), then its hits "
    "(imageCountMoreThan: all candidates after the N youngest; the age types: candidates older than N days), "
    "and marks every hit not already matched by a higher-priority rule's selection. Protection comes from "
    "matching, not from being marked, and counts include protected images (the two points forced by the "
    "official examples {examples}). Multi-entry tagPatternList and tagPrefixList mean ALL: every entry must match "
    "at least one of the image's tags {policies}. All six official outcomes {examples} are reproduced by the tests.":
        "厳密に従う点: ルールは rulePriority の順(小さい番号から)に評価します。評価器はルールごとに"
        "候補(tagStatus、タグリスト、ストレージクラス)を求め、次にヒット(imageCountMoreThan: 新しい順に N 個を"
        "除いたすべての候補、経過日数タイプ: N 日より古い候補)を求め、より優先度の高いルールの選択にまだ一致して"
        "いないヒットをすべてマークします。保護はマークされたことではなく一致したことによって生じ、カウントには"
        "保護されたイメージも含まれます(公式の例から導かれる 2 点 {examples})。複数エントリの tagPatternList と "
        "tagPrefixList は ALL(すべて)を意味し、各エントリがイメージのタグの少なくとも 1 つに一致する必要が"
        "あります {policies}。6 つの公式の結果 {examples} はすべてテストで再現しています。",
    "Choices where the documentation is silent (each pinned by a test):":
        "ドキュメントに記載のない点についての選択(それぞれテストで固定):",
    "1. Day boundary. \"Older than N days\" is strict and exact: an image acts only when as_of - time > N x 24 "
    "h, measured to the nanosecond with no rounding to whole days. An image pushed exactly N days ago is kept; "
    "one second more and it is acted on. This matches the official example (pushed \"1 day ago\" is not "
    "expired by sinceImagePushed 1). Whether AWS rounds ages to whole days is UNCONFIRMED; its own runs "
    "happen \"within 24 hours\" {policies}.":
        "1. 日の境界。「N 日より古い」は厳密かつ正確です: イメージが対象になるのは as_of - 時刻 > N × 24 時間の"
        "場合だけで、日単位に丸めずナノ秒単位で測ります。ちょうど N 日前にプッシュされたイメージは残り、1 秒"
        "でも超えると対象になります。これは公式の例(「1 日前」にプッシュされたイメージは sinceImagePushed 1 で"
        "期限切れにならない)と一致します。AWS が経過日数を日単位に丸めるかどうかは UNCONFIRMED です。AWS "
        "自身の実行は「24 時間以内」に行われます {policies}。",
    "2. Ties in push time. For imageCountMoreThan, images with identical order times are ordered by image "
    "digest: the smaller digest counts as the younger one (kept first). AWS's tie-break is UNCONFIRMED; ours "
    "is deterministic and independent of input order.":
        "2. プッシュ時刻の同順。imageCountMoreThan では、順序付けの時刻が同じイメージをイメージダイジェストで"
        "並べます: 小さいダイジェストをより新しいものとして扱います(先に残す)。AWS の同順の扱いは "
        "UNCONFIRMED です。本ツールの扱いは決定的で、入力の順序に依存しません。",
    "3. Restored images. After a restore (lastActivatedAt set), lastActivatedAt replaces the push time both "
    "for ordering (imageCountMoreThan) and for sinceImagePushed ages (INFERRED from \"restored images behave "
    "like newly pushed images\" {archive}). sinceImagePulled uses the last recorded pull, else the push time; for "
    "a restored image, the later of the last pull and lastActivatedAt {policies}. sinceImageTransitioned uses "
    "lastArchivedAt; an archived image without lastArchivedAt is never acted on by it.":
        "3. 復元されたイメージ。復元後(lastActivatedAt が設定済み)は、順序付け(imageCountMoreThan)と "
        "sinceImagePushed の経過日数の両方で、プッシュ時刻の代わりに lastActivatedAt を使います(「復元された"
        "イメージは新しくプッシュされたイメージと同様に扱われる」{archive} から INFERRED)。sinceImagePulled は"
        "最後に記録されたプル、なければプッシュ時刻を使い、復元されたイメージでは最後のプルと lastActivatedAt "
        "の遅い方を使います {policies}。sinceImageTransitioned は lastArchivedAt を使い、lastArchivedAt のない"
        "アーカイブ済みイメージはこのタイプでは対象になりません。",
    "4. Storage classes. storageClass standard selects ACTIVE images, archive selects ARCHIVED images. "
    "ACTIVATING images (a restore in flight) are selected, counted and acted on by no rule; they are reported "
    "with storage class ARCHIVE.":
        "4. ストレージクラス。storageClass が standard のルールは ACTIVE のイメージを、archive のルールは "
        "ARCHIVED のイメージを選択します。ACTIVATING のイメージ(復元処理中)はどのルールでも選択・カウント・処理の対象にならず、"
        "ストレージクラス ARCHIVE として報告します。",
    "5. Manifest lists. An image referenced by a manifest list present in the same repository is acted on "
    "only if every such list is acted on in the same evaluation or is already archived (\"cannot be expired "
    "or archived without the manifest list being deleted or archived first\" {policies}). Otherwise its action is "
    "withheld (held_by_manifest_list) and no lower-priority rule takes it (it still matched the higher "
    "rule's selection). Held lists cascade to their own children. Lists are known only from --manifests "
    "(batch-get-image); without them no image is held.":
        "5. マニフェストリスト。同じリポジトリにあるマニフェストリストから参照されるイメージは、そのような"
        "リストがすべて同じ評価で処理されるか、既にアーカイブ済みの場合にだけ処理されます(「マニフェスト"
        "リストを先に削除またはアーカイブしないと、期限切れにもアーカイブにもできない」{policies})。それ以外の場合は"
        "処理を保留し(held_by_manifest_list)、優先度の低いルールも取得しません(上位ルールの選択には一致した"
        "ままのため)。保留されたリストの保留は、その子にも連鎖します。リストは --manifests(batch-get-image)"
        "からのみ判明し、これがなければ保留されるイメージはありません。",
    "6. Referrers. An image whose subjectManifestDigest names an image present in the same repository "
    "(signatures, SBOMs; chains followed to the root subject) is not a candidate of any rule, is not counted, "
    "and takes its subject's outcome (same action and applied rule priority) in the same evaluation, where "
    "AWS would act \"within 24 hours\" after the subject. A transition is applied to a referrer only if it is "
    "ACTIVE. A referrer whose subject is absent is evaluated as an ordinary image.":
        "6. リファラー。subjectManifestDigest が同じリポジトリ内のイメージを指すイメージ(署名、SBOM など。"
        "連鎖はルートのサブジェクトまでたどります)は、どのルールの候補にもならず、カウントもされず、同じ評価で"
        "サブジェクトと同じ結果(同じアクションと適用されたルール優先度)になります。AWS ではサブジェクトの後"
        "「24 時間以内」に処理されます。リファラーへの移行(transition)は、リファラーが ACTIVE の場合にだけ"
        "適用します。サブジェクトが存在しないリファラーは通常のイメージとして評価します。",
    "7. Validation. Beyond the documented rules: rulePriority must be a JSON integer >= 1 (booleans and 1.0 "
    "are refused); enum values are case-sensitive as documented; unknown keys anywhere are refused; an empty "
    "rules list is refused; targetStorageClass on an expire action is refused; the API's 100-character "
    "minimum of lifecycle policy text is enforced. \"any must be last\" is applied per storage class "
    "(INFERRED from the official \"combining archive and expire\" example {examples}), which also allows at most "
    "one any rule per storage class. \"Unique set of prefixes\" is read as: no two rules selecting the same "
    "storage class may have the same tag list (same entries in any order, same list kind); UNCONFIRMED. The "
    "four-wildcard limit applies to tagPatternList entries; a \"*\" in tagPrefixList is a literal character "
    "(lint warns). No limit on the number of list entries is enforced (none documented).":
        "7. 検証。ドキュメントに記載されたルールに加えて: rulePriority は 1 以上の JSON 整数である必要があり"
        "(ブール値や 1.0 は拒否)、列挙値はドキュメントどおり大文字と小文字を区別し、どこであっても不明なキーは"
        "拒否し、空のルールリストは拒否し、expire アクションの targetStorageClass は拒否し、ライフサイクル"
        "ポリシーテキストの API の最小 100 文字を適用します。「any は最後でなければならない」はストレージクラス"
        "ごとに適用し(公式の「アーカイブと期限切れの組み合わせ」の例 {examples} から INFERRED)、これによりストレージ"
        "クラスごとに any ルールは最大 1 つとなります。「プレフィックスの一意なセット」は、同じストレージクラスを"
        "選択する 2 つのルールが同じタグリスト(順序を問わず同じエントリ、同じ種類のリスト)を持ってはならない、"
        "と解釈します(UNCONFIRMED)。ワイルドカード 4 個の上限は tagPatternList のエントリに適用し、"
        "tagPrefixList 内の \"*\" は文字どおりの文字として扱います(Lint で警告)。リストのエントリ数の上限は"
        "適用しません(ドキュメントに記載なし)。",
    "8. Time. Every age is measured from the evaluation's as_of (the snapshot time), never the wall clock; "
    "naive times are taken as UTC.":
        "8. 時刻。経過時間はすべて評価の as_of(スナップショット時刻)から測り、実行時の時計は使いません。"
        "タイムゾーンのない時刻は UTC とみなします。",
    "Reclaimable bytes. \"Naive\" sums imageSizeInBytes (the compressed size ECR reports) of the images "
    "acted on. It over-counts: layers shared with images that stay are not freed, and a manifest list's size "
    "is its largest child's, counted again with each child. \"Exact\" needs every image's manifest "
    "(batch-get-image) and counts each blob (layers and config) once per repository: bytes expired are blobs "
    "referenced by an expiring image and by no image that stays (an image transitioned to archive stays); "
    "bytes moved to archive are blobs referenced by a transitioning image and by no image staying in "
    "standard storage. Manifest documents themselves (a few KB) are not counted. How ECR bills blobs shared "
    "between standard and archive storage is UNCONFIRMED.":
        "回収可能なバイト。「単純合計」は、処理対象イメージの imageSizeInBytes(ECR が報告する圧縮サイズ)を"
        "合計したものです。これは過大になります: 残るイメージと共有しているレイヤーは解放されず、マニフェスト"
        "リストのサイズは最大の子のサイズで、各子と重複して数えられます。「正確なバイト」にはすべてのイメージの"
        "マニフェスト(batch-get-image)が必要で、各 blob(レイヤーと設定)をリポジトリごとに 1 回だけ数えます: "
        "期限切れになるバイトは、期限切れになるイメージから参照され、残るどのイメージからも参照されない blob "
        "です(アーカイブに移行したイメージは残るものとします)。アーカイブに移動するバイトは、移行するイメージ"
        "から参照され、標準ストレージに残るどのイメージからも参照されない blob です。マニフェストドキュメント"
        "自体(数 KB)は数えません。標準ストレージとアーカイブストレージで共有される blob を ECR がどう課金するか"
        "は UNCONFIRMED です。",
    "Lint. Warnings (the policy is still valid): a multi-entry tag list (AND, not OR); a \"*\" in a tag "
    "prefix; a rule whose every possible candidate is provably also selected by a higher rule (same storage "
    "class; a conservative check: \"not proven\" never warns); a rule all of whose candidates are claimed by "
    "higher rules today; a policy that expires or archives nothing today (it still passes Security Hub "
    "ECR.3); a pull-through cache repository with no policy; and sinceImagePulled in a registry with no "
    "pull-time update exclusion registered.":
        "Lint。警告(ポリシー自体は有効)の対象: 複数エントリのタグリスト(OR ではなく AND)、タグプレフィックス"
        "内の \"*\"、候補となりうるすべてのイメージが上位のルールにも選択されることを証明できるルール(同じ"
        "ストレージクラス。保守的なチェックで、「証明できない」場合は警告しません)、現時点で候補がすべて上位の"
        "ルールに取得されるルール、現時点で何も期限切れ・アーカイブにしないポリシー(それでも Security Hub "
        "ECR.3 には合格します)、ポリシーのないプルスルーキャッシュリポジトリ、プル時刻更新の除外が登録されて"
        "いないレジストリでの sinceImagePulled の使用。",
}


def _repositories(match: re.Match[str]) -> str:
    return f"{match[1]} リポジトリ"


#: (pattern, replacement) for label strings with a count in them.
PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^([\d,]+) (?:repository|repositories)$"), _repositories),
)
