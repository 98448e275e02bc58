"""Japanese catalog for the executive summary: key points, the five ranked actions, trends and the ranking methodology.

Keys are the English text exactly as the report shows it, or the template given to
`reports.text.msg`; values keep the template's {placeholders}."""

from __future__ import annotations

JA: dict[str, str] = {
    # --- counted nouns (parameters of the sentences below) ----------------------------------
    "{n} repository": "{n} リポジトリ",
    "{n} repositories": "{n} リポジトリ",
    "{n} registry": "{n} レジストリ",
    "{n} registries": "{n} レジストリ",
    "{n} image": "{n} イメージ",
    "{n} images": "{n} イメージ",
    "{n} run": "{n} 回の実行",
    "{n} runs": "{n} 回の実行",
    "{n} open critical finding": "{n} 件の未解決の重大な検出結果",
    "{n} open critical findings": "{n} 件の未解決の重大な検出結果",
    "{n} upstream image": "{n} 件のアップストリームイメージ",
    "{n} upstream images": "{n} 件のアップストリームイメージ",
    "{n} stale cached image": "{n} 件の古いキャッシュイメージ",
    "{n} stale cached images": "{n} 件の古いキャッシュイメージ",
    "{items} and {n} more": "{items} ほか {n} 件",
    "none": "なし",
    "the baseline lifecycle policy": "ベースラインのライフサイクルポリシー",
    "the proposed lifecycle policy": "提案ライフサイクルポリシー",
    # --- the five ranked actions (reports/leadership.py) ------------------------------------
    "Fix {findings} in {repos}, first {repo} ({worst})":
        "{repos}にある {findings}を修正(まず {repo} の {worst} 件から)",
    "Move {registries} off the retired Clair engine to AWS_NATIVE scanning ({repos})":
        "{registries}を廃止済みの Clair エンジンから AWS_NATIVE スキャンに移行({repos})",
    "Apply {policy} to {repos}: frees {size}, {usd}/month":
        "{repos}に{policy}を適用: {size} を解放、月額 {usd}",
    "Apply {policy} to {repos} (ECR.3)": "{repos}に{policy}を適用(ECR.3)",
    "Turn on scan on push for {repos} never scanned automatically (ECR.1)":
        "自動スキャンされていない {repos}でプッシュ時スキャンを有効化(ECR.1)",
    "Make image tags immutable in {repos} (ECR.2)":
        "{repos}でイメージタグをイミュータブルに設定(ECR.2)",
    "Add a lifecycle policy to {repos} (ECR.3)": "{repos}にライフサイクルポリシーを追加(ECR.3)",
    "Encrypt {repos} with a customer managed KMS key (ECR.5)":
        "{repos}をカスタマーマネージド KMS キーで暗号化(ECR.5)",
    "Turn on Amazon Inspector for {repos} (Inspector.2)":
        "{repos}で Amazon Inspector を有効化(Inspector.2)",
    "Turn on Amazon Inspector for {repos} (Inspector.2): costs {usd}/month":
        "{repos}で Amazon Inspector を有効化(Inspector.2): 月額 {usd} の費用",
    "Fix {control} ({title}) for {repos}": "{repos}で {control}({title})の不合格を解消",
    "Cache {images} pulled through NAT: saves {usd}/month":
        "NAT 経由でプルされる {images}をキャッシュ: 月額 {usd} を削減",
    "Expire {images} not pulled for {days} days: frees {size}, {usd}/month":
        "{days} 日間プルされていない {images}を期限切れにして削除: {size}、月額 {usd} を解放",
    "Expire {images}: frees {size}, {usd}/month":
        "{images}を期限切れにして削除: {size}、月額 {usd} を解放",
    "Review {rules} costing more than it saves: {usd}/month":
        "削減額よりコストが大きい {rules}を見直し: 月額 {usd}",
    "Review {rules} costing more than they save: {usd}/month":
        "削減額よりコストが大きい {rules}を見直し: 月額 {usd}",
    "Narrow continuous scanning to {target}: saves {usd}/month":
        "継続的スキャンを {target} に絞り込み: 月額 {usd} を削減",
    "Narrow continuous scanning: saves {usd}/month": "継続的スキャンを絞り込み: 月額 {usd} を削減",
    "Shorten Inspector's rescan duration to {days} days: saves {usd}/month":
        "Inspector の再スキャン期間を {days} 日に短縮: 月額 {usd} を削減",
    "Shorten Inspector's rescan duration ({label}): saves {usd}/month":
        "Inspector の再スキャン期間を短縮({label}): 月額 {usd} を削減",
    # --- headline figures: labels kept in summary.json's trends, details, changes ------------
    "Inspector / month": "Inspector / 月",
    "Pull-through net saving / month": "プルスルーの正味削減額 / 月",
    "Reclaimable / month": "回収可能額 / 月",
    "{arrow} {points} pts": "{arrow} {points} ポイント",
    "no change": "変化なし",
    "no earlier figure": "前回の数値なし",
    "change unknown": "変化不明",
    "{label}, last {runs}": "{label}、直近 {runs}",
    "Oldest first: {values}.": "古い順: {values}。",
    "partial: {detail}": "部分的: {detail}",
    "{part} of {n} repository": "{n} 件中 {part} 件のリポジトリ",
    "{part} of {n} repositories": "{n} 件中 {part} 件のリポジトリ",
    "{part} of {n} scannable image": "{n} 件中 {part} 件のスキャン可能イメージ",
    "{part} of {n} scannable images": "{n} 件中 {part} 件のスキャン可能イメージ",
    "{n} images not checked": "未確認のイメージ {n} 件",
    "in scanned images": "スキャン済みイメージ内",
    "repository × control; {n} unknown": "リポジトリ × コントロール、不明 {n}",
    "per month, net of {usd} storage": "月額、ストレージ {usd} 差引後",
    "{usd}/month with the proposed policy (today's: {today})": "提案ポリシーで月額 {usd}(現在: {today})",
    "{usd}/month with today's policies": "現在のポリシーで月額 {usd}",
    "Changes are since the previous run, {run} ({when}); trend lines show the last {runs}, "
    "oldest left.":
        "変化は前回の実行 {run}({when})との比較です。推移線は直近 {runs}を示し、左端が最も古い"
        "実行です。",
    "That run had collection errors, so its figures were partial.":
        "前回の実行には収集エラーがあったため、その数値は部分的です。",
    "It covered other accounts or regions, so part of each change is the change of scope.":
        "前回の実行は異なるアカウントまたはリージョンを対象としていたため、各変化の一部は対象範囲の"
        "変化によるものです。",
    # --- key points -------------------------------------------------------------------------
    " ({n} unknown)": "(不明 {n})",
    "{never} of {repos} is never scanned automatically (effective scan frequency: manual "
    "only){tail}.":
        "{repos}のうち {never} リポジトリは自動スキャンされません(実効スキャン頻度: 手動のみ){tail}。",
    "{never} of {repos} are never scanned automatically (effective scan frequency: manual "
    "only){tail}.":
        "{repos}のうち {never} リポジトリは自動スキャンされません(実効スキャン頻度: 手動のみ){tail}。",
    "All {repos} with a known setting are scanned automatically, on push or continuously{tail}.":
        "設定が判明している {repos}はすべて、プッシュ時または継続的に自動スキャンされます{tail}。",
    "{n} registry still reports the retired Clair basic scan engine (retired by AWS on "
    "2026-02-02): {list}. Switch to AWS_NATIVE basic scanning.":
        "{n} レジストリが、廃止済みの Clair ベーシックスキャンエンジン(AWS が 2026年2月2日に廃止)を"
        "まだ使用しています: {list}。AWS_NATIVE ベーシックスキャンに切り替えてください。",
    "{n} registry still reports the deprecated Clair basic scan engine, which AWS retires on "
    "2026-02-02: {list}. Switch to AWS_NATIVE basic scanning.":
        "{n} レジストリが、非推奨の Clair ベーシックスキャンエンジン(AWS が 2026年2月2日に廃止予定)を"
        "まだ使用しています: {list}。AWS_NATIVE ベーシックスキャンに切り替えてください。",
    "{n} registries still report the retired Clair basic scan engine (retired by AWS on "
    "2026-02-02): {list}. Switch to AWS_NATIVE basic scanning.":
        "{n} レジストリが、廃止済みの Clair ベーシックスキャンエンジン(AWS が 2026年2月2日に廃止)を"
        "まだ使用しています: {list}。AWS_NATIVE ベーシックスキャンに切り替えてください。",
    "{n} registries still report the deprecated Clair basic scan engine, which AWS retires on "
    "2026-02-02: {list}. Switch to AWS_NATIVE basic scanning.":
        "{n} レジストリが、非推奨の Clair ベーシックスキャンエンジン(AWS が 2026年2月2日に廃止予定)を"
        "まだ使用しています: {list}。AWS_NATIVE ベーシックスキャンに切り替えてください。",
    "{findings} in {repos}; the most in {repo} ({count}).":
        "{repos}に {findings}があります。最も多いのは {repo}({count} 件)です。",
    "No critical findings were reported for the images that have a scan result ({scanned} of "
    "{images}); images without one are not counted as clean.":
        "スキャン結果のあるイメージ({images}中 {scanned} 件)では、重大な検出結果は報告されていません。"
        "スキャン結果のないイメージは問題なしとして数えていません。",
    "{control} ({title}) fails for {n} of {repos}.":
        "{control}({title})は {repos}中 {n} リポジトリで不合格です。",
    "No repository fails a checked control.": "確認したコントロールで不合格のリポジトリはありません。",
    "{n} control verdict is UNKNOWN because the data could not be collected.":
        "データを収集できなかったため、{n} 件のコントロール判定が不明(UNKNOWN)です。",
    "{n} control verdicts are UNKNOWN because the data could not be collected.":
        "データを収集できなかったため、{n} 件のコントロール判定が不明(UNKNOWN)です。",
    "For {repos} AWS's own per-repository scan setting disagrees with the registry rules; the "
    "repositories table shows both.":
        "{repos}で、AWS 自身のリポジトリ単位のスキャン設定がレジストリのルールと一致しません。"
        "リポジトリの表に両方を示しています。",
    "Registry {registry} has {pct} headroom left in the daily basic-scan quota on its busiest "
    "day.":
        "レジストリ {registry} では、最もプッシュが多かった日のベーシックスキャン日次クォータの余裕は"
        " {pct} です。",
    "Not computed in this version: {sections}. That section says so instead of showing figures.":
        "このバージョンでは未計算: {sections}。該当するセクションでは、数値の代わりにその旨を示して"
        "います。",
    "Not computed in this version: {sections}. Those sections say so instead of showing "
    "figures.":
        "このバージョンでは未計算: {sections}。該当する各セクションでは、数値の代わりにその旨を示して"
        "います。",
    # --- methodology: trends and ranked actions (reports/leadership.py) ----------------------
    "The actions on the first page are ranked by one score: money per month (a saving counts "
    "positive, a cost negative) plus risk points, one point ranking like $1.00 a month. Risk "
    "points are {points} per open critical finding an action addresses and, for each "
    "repository whose failing control it fixes, the control's Security Hub severity weight: "
    "Critical 10, High 5, Medium 1, Low 0.5. A registry still on the retired Clair engine "
    "counts as a High failure for each of its repositories, since its scans have stopped. "
    "Actions with a score of zero or less are not proposed; ties are broken by the action's "
    "key. The five highest are shown; every candidate, with its score and how it was computed, "
    "is in data/actions.csv. Savings are the monthly figures of the section each action links "
    "to, not additive across actions.":
        "1 ページ目の対応は、1 つのスコアで順位付けしています。スコアは月額の金額(削減はプラス、"
        "コストはマイナス)にリスクポイントを加えたもので、1 ポイントは月額 $1.00 と同じ重みです。"
        "リスクポイントは、対応が扱う未解決の重大な検出結果 1 件につき {points} ポイントと、対応によって"
        "不合格のコントロールが解消されるリポジトリ 1 つにつき、そのコントロールの Security Hub 重大度の"
        "重み(重大 10、高 5、中 1、低 0.5)です。廃止済みの Clair エンジンをまだ使用しているレジストリは、"
        "スキャンが停止しているため、そのリポジトリごとに重大度「高」の不合格として数えます。スコアが 0 以下の"
        "対応は提案しません。スコアが同じ場合は対応のキーの順に並べます。上位 5 件を表示し、すべての候補を"
        "スコアとその算出内容とともに data/actions.csv に記載しています。削減額は各対応のリンク先セクションの"
        "月額の数値であり、対応をまたいで合算できるものではありません。",
    "Changes and trend lines compare this run with the earlier complete runs kept in the same "
    "output directory: the last {runs} runs before this one (a run still being written, or one "
    "without a manifest, is not used; demo and real runs are not mixed). Their headline figures "
    "were read from their summary.json when this run was made and are stored in its snapshot, "
    "so re-rendering this run shows the trends as they were. A figure an earlier run did not "
    "compute (its section was not built, or its data could not be collected) is a gap in the "
    "line, not a zero.":
        "変化と推移線は、この実行を同じ出力ディレクトリに保存されている以前の完了した実行と比較したもの"
        "です。比較対象はこの実行より前の直近 {runs} 回の実行です(書き込み中の実行やマニフェストのない実行"
        "は使用せず、デモの実行と実際の実行は混在させません)。以前の実行の主要な数値は、この実行の作成時に"
        "それぞれの summary.json から読み取り、この実行のスナップショットに保存しています。そのため、この"
        "実行を再レンダリングしても、推移は作成時のまま表示されます。以前の実行で計算されなかった数値"
        "(セクションが作成されなかった、またはデータを収集できなかったもの)は、ゼロではなく線の途切れとして"
        "示します。",
    # --- the weekly email (jobs/deliver/email.py, templates/email.*.j2) ----------------------
    "ECR report": "ECR レポート",
    "Weekly ECR report": "週次 ECR レポート",
    "run": "実行",
    "[DEMO] ": "[デモ] ",
    "[INCOMPLETE] ": "[データ不完全] ",
    "{flags}{prefix} {date}: {scanned}/{total} repositories scanned, {failing} failing control "
    "checks":
        "{flags}{prefix} {date}: スキャン済みリポジトリ {scanned}/{total}、不合格のコントロール"
        "チェック {failing} 件",
    "{accounts} account(s), {regions} region(s): {names}":
        "{accounts} アカウント、{regions} リージョン: {names}",
    "Incomplete data:": "データが不完全です:",
    "INCOMPLETE DATA:": "データ不完全:",
    "{n} API call(s) failed. The attached report marks what is missing; figures below may be "
    "understated.":
        "{n} 件の API 呼び出しが失敗しました。添付のレポートに欠けている内容を示しています。以下の"
        "数値は実際より小さい可能性があります。",
    "{part} of {whole} ({pct})": "{whole} 件中 {part} 件({pct})",
    "{part} of {whole} scannable ({pct})": "スキャン可能な {whole} 件中 {part} 件({pct})",
    "Open critical / high findings": "未解決の重大 / 高の検出結果",
    "Inspector enhanced scanning (est. per month)": "Inspector 拡張スキャン(推定月額)",
    "Pull-through cache storage (per month)": "プルスルーキャッシュのストレージ(月額)",
    "NAT egress saved by pull-through (per month)": "プルスルーによる NAT 送信の削減額(月額)",
    "Lifecycle: reclaimable now": "ライフサイクルで現在回収可能",
    "not computed yet": "未計算",
    "{images} images, {size} ({usd} per month)": "{images} イメージ、{size}(月額 {usd})",
    "Scan coverage: {repos_scanned} of {repos_total} repositories and {images_scanned} of "
    "{images_scannable} scannable images scanned":
        "スキャン範囲: {repos_total} リポジトリ中 {repos_scanned}、スキャン可能な {images_scannable} "
        "イメージ中 {images_scanned} をスキャン済み",
    "Compliance by control: {controls}": "コントロール別のコンプライアンス: {controls}",
    "{control} {passed} pass, {failed} fail": "{control} 合格 {passed}、不合格 {failed}",
    "The full report is attached as a PDF.": "レポート全体を PDF で添付しています。",
    "The full report is in the run directory (report.html).":
        "レポート全体は実行ディレクトリ(report.html)にあります。",
    "Sent automatically by ecr-report; the run directory holds the evidence behind every "
    "figure. Check it with:":
        "このメールは ecr-report が自動送信しました。実行ディレクトリには、すべての数値の根拠となる"
        "証跡があります。次のコマンドで検証できます:",
    # email charts (reports/render/email_charts.py)
    "scanned": "スキャン済み",
    "not scanned": "未スキャン",
    "no data": "データなし",
    "Compliance controls (repositories)": "コンプライアンスコントロール(リポジトリ数)",
    "NOT_APPLICABLE": "対象外",
}
