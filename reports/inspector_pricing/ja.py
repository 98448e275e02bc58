"""Japanese catalog for the Inspector pricing section and its methodology.

Keys are the English text exactly as the report shows it, or the template given to
`reports.text.msg`; values keep the template's {placeholders}."""

from __future__ import annotations

JA: dict[str, str] = {
    # --- headline figures and lead paragraph -------------------------------------------------
    "Estimated Inspector cost / month (partial)": "Inspector 推定コスト / 月(部分的)",
    "initial scans {initial}, rescans {rescans}": "初回スキャン {initial}、再スキャン {rescans}",
    "ListUsageTotals, ECR scans": "ListUsageTotals、ECR スキャン",
    "no Inspector usage was read": "Inspector の使用量は読み取れませんでした",
    "model {model} where AWS estimates": "AWS の見積もり対象範囲のモデル値 {model}",
    "nothing to reconcile": "照合対象なし",
    "What Amazon Inspector's enhanced scanning of ECR images costs per 30 days at today's settings, "
    "modelled image by image (initial scans of pushed images, rescans of continuously monitored images) "
    "and priced per region; AWS's own estimate beside it; and what other settings would cost and cover. "
    "The Inspector prices used are UNCONFIRMED (see Methodology, Prices used).":
        "Amazon Inspector による ECR イメージの拡張スキャンについて、現在の設定での 30 日あたりのコストを示します。"
        "イメージ単位でモデル化し(プッシュされたイメージの初回スキャンと、継続的に監視されるイメージの再スキャン)、"
        "リージョンごとの価格で算出しています。あわせて AWS 自身の見積もりと、他の設定にした場合のコストと"
        "スキャン範囲を示します。使用した Inspector の価格は UNCONFIRMED です(算出方法の「使用した価格」を参照)。",
    # --- current exposure ------------------------------------------------------------------
    "Modelled cost per 30 days, per registry (account × region); the {count} costliest, the rest summed":
        "レジストリ(アカウント × リージョン)ごとの 30 日あたり推定コスト(コストの大きい {count} 件、残りは合算)",
    "{rescan_settings} ({settings_source})": "{rescan_settings}({settings_source})",
    "push {push}, {mode} {pull} days": "プッシュ日基準 {push}、{mode}基準 {pull} 日",
    "{duration_days} days": "{duration_days} 日",
    "lifetime": "無期限",
    "last pull": "最終プル日",
    "last in use": "最終使用日",
    "documented defaults ({why})": "ドキュメント記載のデフォルト({why})",
    "GetConfiguration failed": "GetConfiguration が失敗",
    "Inspector ECR scanning off": "Inspector の ECR スキャンが無効",
    "{rate} rescans each (default)": "イメージ 1 件あたり {rate} 回再スキャン(デフォルト)",
    "{rate} rescans each": "イメージ 1 件あたり {rate} 回再スキャン",
    "{count} other registry": "その他 {count} レジストリ",
    "{count} other registries": "その他 {count} レジストリ",
    "summed": "合算",
    "Every registry and repository is in data/inspector.csv.":
        "すべてのレジストリとリポジトリは data/inspector.csv にあります。",
    "Top repositories by modelled cost per 30 days (top {top} of {total})":
        "30 日あたり推定コストの大きいリポジトリ({total} 件中上位 {top} 件)",
    "Top repositories by modelled cost per 30 days": "30 日あたり推定コストの大きいリポジトリ",
    # --- reconciliation ----------------------------------------------------------------------
    "Model beside AWS's ListUsageTotals, last 30 days (model / AWS); the {count} registries with the "
    "largest difference":
        "モデルと AWS の ListUsageTotals の比較、過去 30 日(モデル / AWS)、差分の大きい {count} レジストリ",
    "{count} more registry in data/inspector_reconciliation.csv.":
        "残り {count} レジストリは data/inspector_reconciliation.csv にあります。",
    "{count} more registries in data/inspector_reconciliation.csv.":
        "残り {count} レジストリは data/inspector_reconciliation.csv にあります。",
    "configured default ({rate} per image per 30 days)":
        "設定のデフォルト値(イメージ 1 件あたり 30 日で {rate} 回)",
    "calibrated: {rescans} rescans in 30 days / {images} {basis}":
        "較正値: 30 日間の再スキャン {rescans} 回 / {basis} {images} 件",
    "Inspector's ACTIVE images": "Inspector の ACTIVE イメージ",
    "modelled monitored images": "モデル上の監視中イメージ",
    "No monitored image to calibrate the rescan rate on; default used.":
        "再スキャン率を較正できる監視中のイメージがないため、デフォルト値を使用しています。",
    "ListUsageTotals failed: the rescan rate is the configured default and AWS's estimate is unknown.":
        "ListUsageTotals が失敗しました。再スキャン率は設定のデフォルト値で、AWS の見積もりは不明です。",
    "AWS reports no ECR scanning usage in the last 30 days.":
        "AWS は過去 30 日間の ECR スキャンの使用量を報告していません。",
    "Inspector usage was not collected here (the registry's collection stopped before it): AWS's "
    "estimate is unknown, not zero.":
        "ここでは Inspector の使用量を収集できませんでした(レジストリの収集がその前に停止しました)。AWS の"
        "見積もりは不明であり、ゼロではありません。",
    "Inspector ECR scanning is not enabled here: nothing to reconcile.":
        "ここでは Inspector の ECR スキャンが有効になっていないため、照合対象はありません。",
    # --- what-if scenarios: labels, chart, reasons -------------------------------------------
    "Basic registries switched to enhanced, continuous everywhere":
        "ベーシックのレジストリを拡張スキャンに切り替え、すべて継続的スキャン",
    "Basic registries switched to enhanced, scan on push only":
        "ベーシックのレジストリを拡張スキャンに切り替え、プッシュ時スキャンのみ",
    "Continuous narrowed to {filters}; others {then}": "継続的スキャンを {filters} に限定、その他は{then}",
    "Continuous narrowed to {filters}": "継続的スキャンを {filters} に限定",
    "Continuous narrowed": "継続的スキャンの限定",
    "scan on push": "プッシュ時スキャン",
    "no enhanced scanning": "拡張スキャンなし",
    "Rescan duration (push date) {duration}": "再スキャン期間(プッシュ日基準){duration}",
    "Rescan duration (push date) {duration} (today's setting)":
        "再スキャン期間(プッシュ日基準){duration}(現在の設定)",
    "Today": "現在",
    "Basic to enhanced, continuous": "ベーシック→拡張、継続的",
    "Basic to enhanced, on push": "ベーシック→拡張、プッシュ時",
    "Proposed lifecycle first": "提案ライフサイクルを先に適用",
    "Rescan {duration}": "再スキャン {duration}",
    "Rescan {duration} (today)": "再スキャン {duration}(現在)",
    "Modelled Inspector cost per 30 days, by scenario (USD)":
        "シナリオ別の Inspector 推定コスト(30 日あたり、USD)",
    "Bars are USD per 30 days at the UNCONFIRMED prices; the one-time activation scans are not in the "
    "bars.":
        "棒グラフは UNCONFIRMED の価格による 30 日あたりの USD です。一回限りの有効化時スキャンは棒グラフに"
        "含めていません。",
    "no registry uses basic scanning": "ベーシックスキャンを使用しているレジストリがありません",
    "no registry uses enhanced scanning": "拡張スキャンを使用しているレジストリがありません",
    "no filters configured ([inspector] narrow_continuous_filters)":
        "フィルターが設定されていません([inspector] narrow_continuous_filters)",
    "no repository is scanned continuously today": "現在、継続的スキャンの対象となっているリポジトリがありません",
    "the lifecycle analysis is not part of this run": "この実行にはライフサイクル分析が含まれていません",
    "no proposed lifecycle policy was evaluated ([lifecycle] proposed_policy)":
        "提案ライフサイクルポリシーは評価されていません([lifecycle] proposed_policy)",
    # --- scenario notes ------------------------------------------------------------------------
    "{scenario}: {note}": "{scenario}: {note}",
    # The English shows the cut `head`; Japanese shows the sentences of `shown` (":.0" prints nothing).
    "{head}{shown:.0} … (cut; the whole note is in data/inspector_scenarios.csv)":
        "{head:.0}{shown}(以下省略。全文は data/inspector_scenarios.csv にあります)",
    "Switched: {units}.": "切り替え対象: {units}。",
    "Inspector ECR scanning is off in {units}: an account that never activated it gets a 15-day free "
    "trial {usage}, which these figures ignore (the API cannot say whether it ever did).":
        "{units} では Inspector の ECR スキャンが無効です。一度も有効化したことのないアカウントには 15 日間の"
        "無料トライアルがあります {usage} が、これらの数値では考慮していません(有効化したことがあるかどうかは"
        " API ではわかりません)。",
    "Rescans there: the configured default, {rate} per monitored image per 30 days.":
        "これらのレジストリの再スキャン数は設定のデフォルト値(監視中のイメージ 1 件あたり 30 日で {rate} 回)です。",
    "Last pull dates stand in for the unknown last-in-use dates.":
        "不明な最終使用日の代わりに最終プル日を使用しています。",
    "Initial scans only, no rescans.": "初回スキャンのみで、再スキャンはありません。",
    "{count} continuous repositories match none of the filters and move to {then}.":
        "継続的スキャンの {count} リポジトリはどのフィルターにも一致しないため、{then}に移行します。",
    "Steady state; images already inactive stay inactive after a raise {duration}, so the first month "
    "costs less.":
        "定常状態での値です。期間を延長しても、すでに非アクティブなイメージは非アクティブのままのため {duration}、"
        "最初の 1 か月のコストはこれより低くなります。",
    "Across all registries the proposed policy expires {expired} and archives {archived} images; neither "
    "is rescanned. Pushes, and so initial scans, are unchanged.":
        "すべてのレジストリで、提案ポリシーは {expired} イメージを期限切れにし、{archived} イメージをアーカイブします。"
        "いずれも再スキャンされません。プッシュ数、したがって初回スキャン数は変わりません。",
    # --- assumptions --------------------------------------------------------------------------
    "Initial scans: one per image pushed (or restored from the archive) into a repository Inspector "
    "scans, at the pace of the recent pushes still visible in the registry.":
        "初回スキャン: Inspector がスキャンするリポジトリにプッシュ(またはアーカイブから復元)されたイメージ "
        "1 件につき 1 回。レジストリに残っている最近のプッシュのペースで見積もっています。",
    "Rescans: only images in continuously scanned repositories that are still inside the push-date or "
    "last-in-use / last-pull window; scan-on-push repositories are never rescanned.":
        "再スキャン: 継続的スキャンのリポジトリ内で、プッシュ日または最終使用日 / 最終プル日の期間内にある"
        "イメージのみが対象です。プッシュ時スキャンのリポジトリは再スキャンされません。",
    "Never billed: archived images, manifest lists, signatures and SBOMs, and images Inspector does "
    "not support.":
        "課金対象外: アーカイブ済みのイメージ、マニフェストリスト、署名と SBOM、Inspector が対応していないイメージ。",
    "Steady state: as many images stay monitored over the next 30 days as today.":
        "定常状態: 今後 30 日間も現在と同じ数のイメージが監視中のままであると仮定しています。",
    "Rescans per monitored image come from AWS's own usage totals in {registries}; elsewhere a "
    "configured default is used.":
        "監視中のイメージあたりの再スキャン数は、{registries} では AWS 自身の使用量合計から求め、それ以外では"
        "設定のデフォルト値を使用しています。",
    "{items} and {count} more": "{items} ほか {count} 件",
    "No Inspector usage could calibrate the rescan rate; a configured default is used.":
        "再スキャン率を較正できる Inspector の使用量がないため、設定のデフォルト値を使用しています。",
    "Prices are UNCONFIRMED third-party figures, listed under Methodology, Prices used.":
        "価格は第三者による UNCONFIRMED の数値で、算出方法の「使用した価格」に記載しています。",
    "Details: data/inspector.csv (one row per repository, FinOps view), data/inspector_images.csv (the "
    "verdict for every image), data/inspector_scenarios.csv and data/inspector_reconciliation.csv.":
        "詳細: data/inspector.csv(リポジトリごとに 1 行、FinOps ビュー)、data/inspector_images.csv"
        "(すべてのイメージの判定)、data/inspector_scenarios.csv、data/inspector_reconciliation.csv。",
    # --- analysis note ------------------------------------------------------------------------
    "Inspector usage totals could not be read for {registries}: the rescan rate there is the configured "
    "default and AWS's estimate is unknown.":
        "{registries} の Inspector 使用量合計を読み取れませんでした。これらの再スキャン率は設定のデフォルト値で、"
        "AWS の見積もりは不明です。",
    # --- methodology --------------------------------------------------------------------------
    "What is billed. Amazon Inspector bills ECR scanning per image: one initial scan when an image is "
    "pushed to a repository it scans (continuously or on push), and one rescan each time it re-scans a "
    "monitored image because a relevant new CVE was added; only continuously scanned repositories are "
    "rescanned (Inspector user guide, 'Monitoring Usage and Cost' and 'Scanning Amazon ECR container "
    "images' {pages}). Basic scanning is not priced here; third-party sources say it is free, which is "
    "UNCONFIRMED.":
        "課金の対象。Amazon Inspector は ECR スキャンをイメージ単位で課金します。スキャン対象のリポジトリ"
        "(継続的スキャンまたはプッシュ時スキャン)にイメージがプッシュされたときに初回スキャン 1 回、関連する"
        "新しい CVE が追加されて監視中のイメージを再スキャンするたびに再スキャン 1 回です。再スキャンされるのは"
        "継続的スキャンのリポジトリのみです(Inspector ユーザーガイド「使用状況とコストのモニタリング」および"
        "「Amazon ECR コンテナイメージのスキャン」{pages})。ベーシックスキャンの価格はここでは算出していません。"
        "第三者の情報源では無料とされていますが、これは UNCONFIRMED です。",
    "Initial scans per month are the eligible images pushed (or restored from the archive, which AWS "
    "says behave like newly pushed images) in the {window} days before the snapshot, scaled to 30 days. "
    "Only images still in the registry are visible, so images pushed and deleted in the window are "
    "missed and the figure can be low. Whether AWS bills a restored image as an initial scan or a rescan "
    "is UNCONFIRMED.":
        "1 か月あたりの初回スキャン数は、スナップショット前の {window} 日間にプッシュ(またはアーカイブから復元。"
        "AWS によれば新しくプッシュされたイメージと同様に扱われます)された対象イメージの数を 30 日に換算した"
        "ものです。レジストリに残っているイメージしか見えないため、期間内にプッシュされて削除されたイメージは"
        "数えられず、この数値は低めになることがあります。復元されたイメージを AWS が初回スキャンと再スキャンの"
        "どちらとして課金するかは UNCONFIRMED です。",
    "Which images are monitored (rescanned). An image in a continuously scanned repository is monitored "
    "while its push date (or the date it was last restored from the archive) is within the push-date "
    "rescan duration, or its last-in-use date (or last pull date, per the pull-date rescan mode) is "
    "within the pull-date rescan duration (Inspector user guide, 'Configuring the Amazon ECR re-scan "
    "duration' {page}). An age of exactly N days counts as within N days. Where Inspector has not run, "
    "last-in-use dates are unknown and the last pull date stands in for them. Multi-architecture images "
    "have no last-in-use tracking in AWS; the model cannot tell their per-platform images apart and may "
    "count some as in use.":
        "監視中(再スキャン対象)となるイメージ。継続的スキャンのリポジトリ内のイメージは、プッシュ日(または"
        "アーカイブから最後に復元された日)がプッシュ日基準の再スキャン期間内にあるか、最終使用日(プル日基準の"
        "再スキャンモードによっては最終プル日)がプル日基準の再スキャン期間内にある間、監視中となります"
        "(Inspector ユーザーガイド「Amazon ECR の再スキャン期間の設定」{page})。経過日数がちょうど N 日の"
        "場合は N 日以内として扱います。Inspector が実行されていない場合、最終使用日は不明のため、最終プル日で"
        "代用します。マルチアーキテクチャイメージには AWS による最終使用日の追跡がありません。モデルはその"
        "プラットフォームごとのイメージを区別できないため、一部を使用中として数える場合があります。",
    "Never billed: archived images and images whose restore is still in progress (Inspector scans ACTIVE "
    "images only), manifest lists (unsupported media type; their per-platform images are scanned "
    "instead), signatures, SBOMs and other non-image artifacts, and images Inspector itself reported as "
    "unsupported (operating system, media type or config file).":
        "課金されないもの: アーカイブ済みのイメージと復元中のイメージ(Inspector がスキャンするのは ACTIVE の"
        "イメージのみ)、マニフェストリスト(非対応のメディアタイプ。代わりにプラットフォームごとのイメージが"
        "スキャンされます)、署名、SBOM、その他のイメージ以外のアーティファクト、および Inspector 自身が非対応と"
        "報告したイメージ(オペレーティングシステム、メディアタイプ、または設定ファイル)。",
    "The monthly figure is a steady state: the number of images monitored today stands for the next 30 "
    "days, as new pushes replace images that age out. AWS projects its own estimate the same way ('as if "
    "any currently covered resources will remain covered' {page}).":
        "月額は定常状態の値です。期間を過ぎて対象外になるイメージを新しいプッシュが置き換えるものとして、"
        "現在の監視中イメージ数が今後 30 日間続くと見なしています。AWS も自身の見積もりを同じ方法で算出して"
        "います(「現在対象となっているリソースが引き続き対象となるものとして」{page})。",
    "Rescans per monitored image are calibrated per account and region from ListUsageTotals (ECR_RESCAN "
    "in the last 30 days divided by the images Inspector lists as ACTIVE in continuously scanned "
    "repositories, or by the modelled monitored images where the coverage list is not available). "
    "Calibrated in: {calibrated}. Where Inspector is off or its usage was not read, the configured "
    "default of {rate} rescans per monitored image per 30 days is used ([inspector] "
    "default_rescans_per_image_month), an assumption, since AWS publishes no rate: {defaulted}.":
        "監視中のイメージあたりの再スキャン数は、アカウントとリージョンごとに ListUsageTotals から較正しています"
        "(過去 30 日間の ECR_RESCAN を、継続的スキャンのリポジトリで Inspector が ACTIVE として一覧するイメージ数"
        "で割ります。カバレッジの一覧が得られない場合は、モデル上の監視中イメージ数で割ります)。較正した"
        "レジストリ: {calibrated}。Inspector が無効か使用量を読み取れなかったレジストリでは、設定のデフォルト値"
        "である監視中イメージ 1 件あたり 30 日で {rate} 回の再スキャンを使用しています([inspector] "
        "default_rescans_per_image_month)。AWS は再スキャン率を公表していないため、これは仮定です: {defaulted}。",
    "Rescan settings per registry (GetConfiguration; where not collected, the documented defaults for "
    "accounts created on or after 16 May 2025: push date 14 days, last in use 14 days; older accounts "
    "defaulted to 90 days): {settings}.":
        "レジストリごとの再スキャン設定(GetConfiguration。収集できなかった場合は、2025 年 5 月 16 日以降に"
        "作成されたアカウントについてドキュメントに記載されたデフォルト値: プッシュ日基準 14 日、最終使用日基準 "
        "14 日。それより前のアカウントのデフォルトは 90 日): {settings}。",
    "{registry}: {rescan_settings} ({settings_source})": "{registry}: {rescan_settings}({settings_source})",
    "Reconciliation. The model's figure for each registry, computed on the same 30-day basis as AWS's "
    "usage totals, is shown beside the sum of AWS's estimatedMonthlyCost for ECR_INITIAL_SCAN and "
    "ECR_RESCAN from ListUsageTotals. Where the rescan rate is calibrated, the rescan part differs only "
    "by the gap between the modelled monitored images and Inspector's ACTIVE images, so the "
    "reconciliation mainly tests the push-rate model, the monitoring windows and the prices. AWS's "
    "figures are its own estimates, per region, rounded and without discounts.":
        "照合。各レジストリのモデル値を AWS の使用量合計と同じ 30 日基準で算出し、ListUsageTotals の "
        "ECR_INITIAL_SCAN と ECR_RESCAN の estimatedMonthlyCost の合計と並べて示します。再スキャン率を較正した"
        "レジストリでは、再スキャン部分の差はモデル上の監視中イメージと Inspector の ACTIVE イメージの差だけから"
        "生じるため、照合で主に検証されるのはプッシュ率のモデル、監視期間、価格です。AWS の数値は AWS 自身による"
        "リージョン単位の見積もりで、丸められており、割引は含まれません。",
    "Scenarios change one setting each and keep everything else as collected: basic registries switched "
    "to enhanced with one '*' filter (continuous, or scan on push; the one-time figure is the activation "
    "scan of images pushed in the 14 days before the switch, per the current Inspector guide, which an "
    "older page gives as 30 days); continuous scanning kept only for repositories matching {filters} "
    "(the others: {others}); each push-date rescan duration the console offers (the API also accepts 3 "
    "and 7 days); and the proposed lifecycle policy applied first, when the lifecycle analysis provides "
    "it. Coverage: 'monitored images' are rescanned as new CVEs appear; 'Inspector repositories' and "
    "'Inspector images' are what gains language-package (not only OS-package) findings.":
        "各シナリオは設定を 1 つだけ変更し、それ以外は収集したとおりに保ちます: ベーシックのレジストリを '*' "
        "フィルター 1 つで拡張スキャンに切り替える(継続的スキャン、またはプッシュ時スキャン。一回限りの数値は、"
        "切り替え前 14 日間にプッシュされたイメージの有効化時スキャンです。現行の Inspector ガイドに基づきますが、"
        "古いページでは 30 日とされています)。継続的スキャンを {filters} に一致するリポジトリのみに限定する"
        "(その他: {others})。コンソールで選べるプッシュ日基準の各再スキャン期間(API では 3 日と 7 日も指定"
        "可能)。ライフサイクル分析が提供する場合は、提案ライフサイクルポリシーを先に適用する。スキャン範囲: "
        "「監視中のイメージ」は新しい CVE の公開に応じて再スキャンされます。「Inspector リポジトリ」と"
        "「Inspector イメージ」は、(OS パッケージだけでなく)言語パッケージの検出結果が得られるようになる"
        "ものです。",
    "(no filters)": "(フィルターなし)",
    "off": "無効",
    "Prices: {initial_item} and {rescan_item} per region, from the price table (Prices used, below). "
    "Both are UNCONFIRMED: the official Amazon Inspector pricing page could not be retrieved, and the "
    "figures come from dated third-party pages. A region without its own price uses us-east-1's, and "
    "says so. Override them with [[prices]] in the configuration.":
        "価格: {initial_item} と {rescan_item} のリージョンごとの価格を価格表から使用しています(下記の"
        "「使用した価格」)。いずれも UNCONFIRMED です。Amazon Inspector の公式料金ページを取得できなかったため、"
        "日付のある第三者のページの数値を使用しています。独自の価格がないリージョンには us-east-1 の価格を使用し、"
        "その旨を示します。設定の [[prices]] で上書きできます。",
}
