"""Japanese catalog for the pull-through cache section and its methodology.

Keys are the English text exactly as the report shows it, or the template given to
`reports.text.msg`; values keep the template's {placeholders}."""

from __future__ import annotations

JA: dict[str, str] = {
    # --- headline figures ------------------------------------------------------------------
    "Cache storage / month (partial)": "キャッシュストレージ / 月(部分的)",
    "NAT processing avoided / month (partial)": "削減された NAT 処理 / 月(部分的)",
    "Net saving / month (partial)": "正味の削減額 / 月(部分的)",
    "{size} cached": "{size} をキャッシュ",
    "{pulls} pulls / month": "{pulls} プル / 月",
    "{usd} endpoint hours not included": "エンドポイント時間料金 {usd} は含まず",
    "never": "なし",
    "{usd} / month, not pulled for {days} days": "{usd} / 月、{days} 日間プルなし",
    # --- lead paragraph ----------------------------------------------------------------------
    "No pull-through cache rule could be read: calls the cache figures rest on failed (see Data "
    "completeness), so whether there are rules, cached storage or savings is unknown, not zero.":
        "プルスルーキャッシュルールを読み取れませんでした。キャッシュの数値の基になる呼び出しが失敗したため"
        "(「データ完全性」を参照)、ルール、キャッシュ容量、削減額の有無は不明であり、ゼロではありません。",
    "No pull-through cache rule was found in the collected registries, so there is no cached storage "
    "and no saving to report.":
        "収集したレジストリにプルスルーキャッシュルールが見つからなかったため、報告するキャッシュストレージと"
        "削減額はありません。",
    "{n} pull-through cache rule": "{n} 件のプルスルーキャッシュルール",
    "{n} pull-through cache rules": "{n} 件のプルスルーキャッシュルール",
    "{rules} cache {n} repository.": "{rules}が {n} リポジトリをキャッシュしています。",
    "{rules} cache {n} repositories.": "{rules}が {n} リポジトリをキャッシュしています。",
    "{n} pays for its storage in avoided NAT processing":
        "{n} 件は、削減される NAT データ処理でストレージコストを賄っています",
    "{n} pay for their storage in avoided NAT processing":
        "{n} 件は、削減される NAT データ処理でストレージコストを賄っています",
    "{n} does not": "{n} 件は賄えていません",
    "{n} do not": "{n} 件は賄えていません",
    "{n} has cached nothing yet": "{n} 件はまだ何もキャッシュしていません",
    "{n} have cached nothing yet": "{n} 件はまだ何もキャッシュしていません",
    "{paying}.": "{paying}。",
    "{paying}; {not_paying}.": "{paying}。{not_paying}。",
    "{paying}; {empty}.": "{paying}。{empty}。",
    "{paying}; {not_paying}; {empty}.": "{paying}。{not_paying}。{empty}。",
    "{n} cached repository is not covered by a scanning rule, so those upstream images are not brought "
    "under ECR scanning.":
        "キャッシュされた {n} リポジトリはスキャンルールの対象外のため、そのアップストリームイメージは ECR の"
        "スキャン対象になっていません。",
    "{n} cached repositories are not covered by a scanning rule, so those upstream images are not brought "
    "under ECR scanning.":
        "キャッシュされた {n} リポジトリはスキャンルールの対象外のため、それらのアップストリームイメージは ECR の"
        "スキャン対象になっていません。",
    # --- upstreams and the chart ---------------------------------------------------------
    "Kubernetes registry": "Kubernetes レジストリ",
    "other registry": "その他のレジストリ",
    "{name} · storage": "{name} · ストレージ",
    "{name} · NAT avoided": "{name} · 削減された NAT",
    "Storage cost": "ストレージコスト",
    "NAT processing avoided": "削減された NAT 処理",
    "Pull-through cache: storage against NAT processing avoided, USD per month":
        "プルスルーキャッシュ: ストレージコストと削減された NAT 処理(USD / 月)",
    "{upstream}: storage {storage}, NAT processing avoided {nat} per month":
        "{upstream}: ストレージ {storage}、削減された NAT 処理 {nat}(月額)",
    "{upstreams}; {next_upstream}": "{upstreams}。{next_upstream}",
    "No data.": "データがありません。",
    "USD / month": "USD / 月",
    "Each upstream has two bars: what its cache costs in storage, and the NAT gateway data processing "
    "its pulls avoid. Values in US dollars per month.":
        "アップストリームごとに 2 本の棒を示します。キャッシュのストレージコストと、そのプルによって削減される "
        "NAT ゲートウェイのデータ処理です。値は 1 か月あたりの米ドルです。",
    # --- topology --------------------------------------------------------------------------
    "ECR keeps image layers in S3. Where a VPC reaches S3 through an endpoint, a cached pull stays off "
    "the NAT gateway; where it does not, the layers of an ECR pull cross the NAT gateway just as an "
    "upstream pull would, and the cache saves no NAT processing there.":
        "ECR はイメージレイヤーを S3 に保存します。VPC がエンドポイント経由で S3 に到達できる場合、キャッシュからの"
        "プルは NAT ゲートウェイを通りません。到達できない場合は、ECR からのプルのレイヤーもアップストリームからの"
        "プルと同じように NAT ゲートウェイを通るため、その VPC ではキャッシュによる NAT 処理の削減はありません。",
    "VPCs with a NAT gateway in registries that pull through a cache or from upstreams; {shown} of "
    "{total}, where the cache saves nothing first":
        "キャッシュ経由またはアップストリームからプルするレジストリ内の NAT ゲートウェイ付き VPC({total} 件中 "
        "{shown} 件、キャッシュによる削減がないものを先に表示)",
    "ecr.dkr + S3 endpoints": "ecr.dkr + S3 エンドポイント",
    "S3 endpoint only": "S3 エンドポイントのみ",
    "ECR endpoints, no S3": "ECR エンドポイントあり、S3 なし",
    "no endpoints": "エンドポイントなし",
    "no NAT gateway": "NAT ゲートウェイなし",
    "no NAT gateway (internet gateway or no internet route)":
        "NAT ゲートウェイなし(インターネットゲートウェイ経由、またはインターネットへのルートなし)",
    "S3 gateway endpoint (free)": "S3 ゲートウェイエンドポイント(無料)",
    "S3 interface endpoint (per-GB charge)": "S3 インターフェイスエンドポイント(GB 単位の料金)",
    "NAT gateway": "NAT ゲートウェイ",
    "configured (pull_through.vpc_pull_shares)": "設定値(pull_through.vpc_pull_shares)",
    "by NAT gateway count": "NAT ゲートウェイ数で按分",
    "{n} more VPC in data/pull_through_topology.csv.": "残り {n} VPC は data/pull_through_topology.csv にあります。",
    "{n} more VPCs in data/pull_through_topology.csv.": "残り {n} VPC は data/pull_through_topology.csv にあります。",
    # --- cached repositories ---------------------------------------------------------------
    "{n} / image": "{n} / イメージ",
    "yes": "はい",
    "no": "いいえ",
    "present": "あり",
    "absent": "なし",
    "template {prefix}": "テンプレート {prefix}",
    "{n} more repository in data/pull_through.csv.": "残り {n} リポジトリは data/pull_through.csv にあります。",
    "{n} more repositories in data/pull_through.csv.": "残り {n} リポジトリは data/pull_through.csv にあります。",
    # --- stale cache entries ---------------------------------------------------------------
    "Cached images not pulled for {days} days or more. They keep costing storage; a lifecycle rule on "
    "the cached repositories (sinceImagePulled to archive, then expire), or a repository creation "
    "template for the rule's prefix so new cached repositories get one, would remove them.":
        "{days} 日以上プルされていないキャッシュイメージです。これらはストレージコストを生み続けます。"
        "キャッシュされたリポジトリへのライフサイクルルール(sinceImagePulled でアーカイブし、その後期限切れに"
        "する)か、新しくキャッシュされるリポジトリにもルールが付くようにする、ルールのプレフィックスに対する"
        "リポジトリ作成テンプレートがあれば、これらを削除できます。",
    "No stale cache entries.": "古いキャッシュエントリはありません。",
    "{days} days": "{days} 日",
    "Every stale image is listed in data/pull_through_stale.csv.":
        "古いイメージはすべて data/pull_through_stale.csv に記載しています。",
    "{n} more repository; every image in data/pull_through_stale.csv.":
        "残り {n} リポジトリ。すべてのイメージは data/pull_through_stale.csv にあります。",
    "{n} more repositories; every image in data/pull_through_stale.csv.":
        "残り {n} リポジトリ。すべてのイメージは data/pull_through_stale.csv にあります。",
    # --- images pulled from upstreams directly ---------------------------------------------
    "Of {references} in use ({sources}), {served} would still be served if the upstream were down, "
    "because they are pulled through a cache that holds them. The rest depend on the upstream being up "
    "and not rate-limiting.":
        "使用中の {references}({sources})のうち、{served} 件はアップストリームが停止していても取得できます。"
        "それらを保持しているキャッシュ経由でプルされるためです。残りは、アップストリームが稼働しており、"
        "レート制限を受けていないことが前提になります。",
    "{n} upstream image reference": "{n} 件のアップストリームイメージ参照",
    "{n} upstream image references": "{n} 件のアップストリームイメージ参照",
    "ECS task definitions": "ECS タスク定義",
    "ECS task definitions and the images-in-use list": "ECS タスク定義と images-in-use リスト",
    "No image in use is pulled from an upstream registry directly.":
        "使用中のイメージで、アップストリームレジストリから直接プルされているものはありません。",
    "rule {prefix}": "ルール {prefix}",
    "limit {n} per IP*": "制限 {n} / IP*",
    "{n} more reference in data/pull_through_uncached.csv.":
        "残り {n} 件の参照は data/pull_through_uncached.csv にあります。",
    "{n} more references in data/pull_through_uncached.csv.":
        "残り {n} 件の参照は data/pull_through_uncached.csv にあります。",
    "Docker Hub rate-limit exposure per registry (pulls without the cache; limits UNCONFIRMED*); the "
    "{shown} most exposed of {total}":
        "レジストリごとの Docker Hub レート制限の影響(キャッシュなしのプル数、制限値は UNCONFIRMED*)、"
        "{total} 件中影響の大きい {shown} 件",
    "limit {n} unauthenticated": "未認証時の制限 {n}",
    "over the unauthenticated limit": "未認証時の制限を超過",
    "over half the unauthenticated limit": "未認証時の制限の半分を超過",
    "within the limits": "制限内",
    "no NAT gateway found": "NAT ゲートウェイなし",
    "{n} more registry in data/pull_through_rate_limits.csv.":
        "残り {n} レジストリは data/pull_through_rate_limits.csv にあります。",
    "{n} more registries in data/pull_through_rate_limits.csv.":
        "残り {n} レジストリは data/pull_through_rate_limits.csv にあります。",
    "* Docker Hub limits as documented in Docker Docs, \"Docker Hub pull usage and limits\" {docker}: 100 "
    "pulls per 6 hours per "
    "IPv4 address unauthenticated, 200 per 6 hours for an authenticated Personal account. Which version "
    "of the limits is live today is UNCONFIRMED (an earlier page gave hourly limits). Pulls from private "
    "subnets share the NAT gateways' public addresses; a cache rule with a Docker Hub credential removes "
    "this exposure. Measured pulls per day are the CloudWatch pulls of the private image in the same ECS "
    "task definition; assumed figures come from the configuration.":
        "* Docker Hub の制限は Docker のドキュメント(プルの使用量と制限){docker} の記載によります: 未認証では IPv4 アドレスあたり "
        "6 時間に 100 プル、認証済みの Personal アカウントでは 6 時間に 200 プルです。現在どの版の制限が有効かは "
        "UNCONFIRMED です(以前のページでは 1 時間あたりの制限が示されていました)。プライベートサブネットからの"
        "プルは NAT ゲートウェイのパブリックアドレスを共有します。Docker Hub の認証情報を設定したキャッシュルールを"
        "使えば、この影響はなくなります。実測の 1 日あたりプル数は、同じ ECS タスク定義内のプライベートイメージの "
        "CloudWatch プル数です。仮定の数値は設定から取っています。",
    # --- assumptions -----------------------------------------------------------------------
    "Pulls: CloudWatch RepositoryPullCount, daily sums over the last {days} whole days, scaled to a "
    "730-hour month.":
        "プル数: CloudWatch の RepositoryPullCount の直近 {days} 日間(丸 1 日単位)の日次合計を、730 時間の "
        "1 か月に換算しています。",
    "Layer reuse: {reuse} of an image's compressed bytes are taken to be on the node already and are not "
    "pulled again (pull_through.layer_reuse_fraction).":
        "レイヤーの再利用: イメージの圧縮バイト数の {reuse} はすでにノード上にあり、再度プルされないものと"
        "しています(pull_through.layer_reuse_fraction)。",
    "Topology: a VPC whose ECR pulls cannot reach S3 through an endpoint sends the layers through the NAT "
    "gateway anyway, so the cache saves no NAT processing there. Pulls are split over NAT-routed VPCs by "
    "NAT gateway count unless configured.":
        "トポロジー: ECR からのプルがエンドポイント経由で S3 に到達できない VPC では、レイヤーはいずれにしても "
        "NAT ゲートウェイを通るため、キャッシュによる NAT 処理の削減はありません。プル数は、設定がない限り "
        "NAT ゲートウェイ数に応じて NAT 経由の VPC に按分しています。",
    "Endpoint hours are shown but not charged to the cache: the endpoints serve all ECR traffic. Net "
    "including them: {usd} per month.":
        "エンドポイントの時間料金は表示していますが、キャッシュのコストには含めていません。エンドポイントは ECR の"
        "すべてのトラフィックに使われるためです。これを含めた正味の削減額は 1 か月あたり {usd} です。",
    "Prices: ECR storage, NAT processing and endpoint charges from the price table (us-east-1 figures "
    "derived from the AWS Price List; the official pricing pages were not retrieved). Whether cached "
    "images bill exactly as pushed images, and data transfer in being free, are UNCONFIRMED.":
        "価格: ECR ストレージ、NAT データ処理、エンドポイントの料金は価格表によります(us-east-1 の数値を "
        "AWS Price List から導出。公式の料金ページは取得できませんでした)。キャッシュされたイメージがプッシュされた"
        "イメージとまったく同じように課金されるか、およびインターネットからのデータ転送(受信)が無料であるかは "
        "UNCONFIRMED です。",
    # --- tables that could not be produced (blocks.missing_table's {name}) -----------------
    "pull-through cache": "プルスルーキャッシュ",
    "VPC topology": "VPC トポロジー",
    "stale cache entries": "古いキャッシュエントリ",
    "uncached images": "キャッシュされていないイメージ",
    # --- analysis notes --------------------------------------------------------------------
    "Pull-through cache: the VPC topology of {account}/{region} could not be collected, so its NAT "
    "savings are unknown.":
        "プルスルーキャッシュ: {account}/{region} の VPC トポロジーを収集できなかったため、NAT 処理の削減額は"
        "不明です。",
    "Pull-through cache: pull counts are missing for {n} cached repositories; their savings are unknown, "
    "not zero.":
        "プルスルーキャッシュ: キャッシュされた {n} リポジトリのプル数がありません。これらの削減額はゼロではなく"
        "不明です。",
    # --- methodology -----------------------------------------------------------------------
    "What a pull-through cache costs: the cached images are ordinary private ECR storage, billed per "
    "GB-month at the standard storage price (manifest lists are not counted twice; a multi-architecture "
    "image stores every architecture, because the cache pulls the manifest list and each image it "
    "references). That AWS bills cached images exactly like pushed ones is INFERRED: the official pricing "
    "page could not be retrieved {ptc}.":
        "プルスルーキャッシュのコスト: キャッシュされたイメージは通常のプライベート ECR ストレージであり、標準"
        "ストレージの価格で GB 月単位で課金されます(マニフェストリストは二重に数えません。キャッシュはマニフェスト"
        "リストとそれが参照する各イメージをプルするため、マルチアーキテクチャイメージはすべてのアーキテクチャを"
        "保存します)。AWS がキャッシュされたイメージをプッシュされたイメージとまったく同じように課金することは "
        "INFERRED です。公式の料金ページを取得できませんでした {ptc}。",
    "What it saves: pulls are the CloudWatch metric AWS/ECR RepositoryPullCount, daily sums over the last "
    "{metrics_days} whole days before the snapshot, scaled to a 730-hour month. Each pull is counted at the "
    "mean compressed size of the repository's single-platform images pulled in that window (all of them "
    "when none was), less the layers already on the node: {reuse} of the bytes are assumed to be there "
    "already (pull_through.layer_reuse_fraction). Without the cache those bytes would come from the "
    "upstream registry over the internet, through the NAT gateway, and pay NAT data processing per GB.":
        "削減されるもの: プル数は CloudWatch メトリクス AWS/ECR RepositoryPullCount の、スナップショット前の直近 "
        "{metrics_days} 日間(丸 1 日単位)の日次合計を 730 時間の 1 か月に換算したものです。各プルは、その期間に"
        "プルされたリポジトリのシングルプラットフォームイメージ(プルされたものがない場合はすべて)の平均圧縮"
        "サイズから、すでにノード上にあるレイヤーを差し引いて数えます。バイト数の {reuse} はすでにノード上にある"
        "ものと仮定しています(pull_through.layer_reuse_fraction)。キャッシュがなければ、これらのバイトは"
        "アップストリームレジストリからインターネット経由で NAT ゲートウェイを通って届き、GB 単位の NAT データ"
        "処理料金がかかります。",
    "Where it saves: a cached image still has to reach the node. ECR stores layers in Amazon S3, so a VPC "
    "with an S3 gateway endpoint fetches them off the NAT gateway for free (with an ecr.dkr interface "
    "endpoint the manifests and API calls stay off it too; without one they are a few KB per pull through "
    "NAT). A VPC with no S3 endpoint, with or without ecr.dkr, sends the layers of an ECR pull through the "
    "NAT gateway as well, so the cache moves the same bytes through the same NAT gateway and saves no NAT "
    "processing there. With an S3 interface endpoint instead of the gateway, layers pay the interface "
    "endpoint's per-GB charge. VPCs without a NAT gateway are left out. Which VPC a pull comes from is not "
    "recorded by ECR, so a registry's pulls are split over its NAT-routed VPCs by NAT gateway count unless "
    "pull_through.vpc_pull_shares says otherwise.":
        "削減される場所: キャッシュされたイメージもノードまで届く必要があります。ECR はレイヤーを Amazon S3 に"
        "保存するため、S3 ゲートウェイエンドポイントのある VPC は NAT ゲートウェイを通さずに無料でレイヤーを"
        "取得します(ecr.dkr インターフェイスエンドポイントがあればマニフェストと API 呼び出しも NAT ゲートウェイを"
        "通りません。ない場合は、プルごとに数 KB が NAT を通ります)。S3 エンドポイントのない VPC では、ecr.dkr の"
        "有無にかかわらず ECR からのプルのレイヤーも NAT ゲートウェイを通るため、キャッシュは同じバイトを同じ "
        "NAT ゲートウェイに通すだけで、そこでの NAT 処理は削減されません。ゲートウェイではなく S3 インターフェイス"
        "エンドポイントを使う場合、レイヤーにはインターフェイスエンドポイントの GB 単位の料金がかかります。"
        "NAT ゲートウェイのない VPC は対象外です。プルがどの VPC から行われたかは ECR に記録されないため、"
        "pull_through.vpc_pull_shares で指定がない限り、レジストリのプル数を NAT 経由の VPC に NAT ゲートウェイ数で"
        "按分しています。",
    "Net saving is NAT processing avoided minus interface-endpoint data charges minus storage. The "
    "interface endpoints' hourly charge (per endpoint per Availability Zone, 730 hours) is shown separately "
    "and left out of the net: the endpoints serve all ECR traffic, not only the cache. The net including "
    "them is the conservative figure for VPCs whose endpoints exist only for the cache. The break-even is "
    "the number of pulls per cached image per month at which one image's storage equals the NAT "
    "processing its pulls avoid; it does not depend on the image's size unless the image stores more "
    "architectures than a pull fetches.":
        "正味の削減額は、削減される NAT データ処理からインターフェイスエンドポイントのデータ処理料金とストレージを"
        "差し引いたものです。インターフェイスエンドポイントの時間料金(エンドポイントごと、アベイラビリティー"
        "ゾーンごと、730 時間)は別に示し、正味の額には含めていません。エンドポイントはキャッシュだけでなく ECR の"
        "すべてのトラフィックに使われるためです。エンドポイントがキャッシュのためだけに存在する VPC では、これを"
        "含めた正味の額が保守的な数値になります。損益分岐点は、1 イメージのストレージコストがそのプルによって削減"
        "される NAT データ処理と等しくなる、キャッシュイメージあたりの月間プル数です。イメージが 1 回のプルで"
        "取得するより多くのアーキテクチャを保存している場合を除き、イメージのサイズには依存しません。",
    "Stale cache entries are cached images whose last recorded pull (or push, if never pulled) is more than "
    "{stale_days} days before the snapshot (pull_through.stale_days). A cached repository gets no lifecycle "
    "policy unless a repository creation template for the rule's prefix (applied for PULL_THROUGH_CACHE) "
    "gives it one when it is created; templates do not change repositories that already exist {ptc}.":
        "古いキャッシュエントリとは、最後に記録されたプル(一度もプルされていない場合はプッシュ)がスナップショットの "
        "{stale_days} 日より前であるキャッシュイメージです(pull_through.stale_days)。キャッシュされたリポジトリには、"
        "ルールのプレフィックスに対するリポジトリ作成テンプレート(PULL_THROUGH_CACHE に適用)が作成時に付与しない"
        "限り、ライフサイクルポリシーはありません。テンプレートは既存のリポジトリを変更しません {ptc}。",
    "Images in use are the container images of the newest ACTIVE revision of each ECS task definition, "
    "plus the optional list given with --images-in-use. A reference through a cache rule whose tag or "
    "digest is in the cache would still be served if the upstream were down: ECR serves the last cached "
    "image when it cannot reach the upstream {ptc}. A direct upstream reference would not. "
    "For direct references the pulls per day are the CloudWatch pulls of the private ECR image in the same "
    "task definition when there is one, else pull_through.uncached_pulls_per_day per container; the size "
    "is the cached copy's when the registry caches the same image, else "
    "pull_through.uncached_image_size_mib (an assumption).":
        "使用中のイメージとは、各 ECS タスク定義の最新の ACTIVE リビジョンのコンテナイメージと、--images-in-use で"
        "指定した任意のリストです。タグまたはダイジェストがキャッシュにあるキャッシュルール経由の参照は、"
        "アップストリームが停止していても取得できます。ECR はアップストリームに到達できない場合、最後にキャッシュ"
        "したイメージを返すためです {ptc}。アップストリームを直接参照している場合は取得できません。"
        "直接参照の 1 日あたりプル数は、同じタスク定義にプライベート ECR イメージがあればその CloudWatch プル数、"
        "なければコンテナごとに pull_through.uncached_pulls_per_day です。サイズは、レジストリが同じイメージを"
        "キャッシュしていればキャッシュのコピーのサイズ、なければ pull_through.uncached_image_size_mib(仮定)です。",
    "Docker Hub rate limits: 100 pulls per 6 hours per IPv4 address (or IPv6 /64) unauthenticated, 200 per "
    "6 hours for an authenticated Personal account, unlimited for Pro, Team and Business "
    "{docker}. Which version of these limits is live today is UNCONFIRMED: an earlier page gave "
    "hourly limits (10 unauthenticated, 40 Personal). All pulls from private subnets leave through the NAT "
    "gateways' public addresses, so they share the unauthenticated limit of those few addresses; the "
    "exposure shown spreads pulls evenly over them. Pulls made by a cache rule use the rule's credential or "
    "AWS addresses and happen at most about once a day per tag, so a cache removes this exposure (INFERRED "
    "from {ptc}).":
        "Docker Hub のレート制限: 未認証では IPv4 アドレス(または IPv6 /64)あたり 6 時間に 100 プル、認証済みの "
        "Personal アカウントでは 6 時間に 200 プル、Pro、Team、Business では無制限です "
        "{docker}。現在どの版の制限が有効かは UNCONFIRMED です。以前のページでは 1 時間あたりの制限(未認証 10、"
        "Personal 40)が示されていました。プライベートサブネットからのプルはすべて NAT ゲートウェイのパブリック"
        "アドレスから出ていくため、それら少数のアドレスの未認証の制限を共有します。表示している影響は、プルを"
        "それらのアドレスに均等に割り振ったものです。キャッシュルールによるプルはルールの認証情報または AWS の"
        "アドレスを使い、タグごとに多くても 1 日に 1 回程度しか行われないため、キャッシュによってこの影響は"
        "なくなります({ptc} からの INFERRED)。",
    "Prices: ECR standard storage $0.10 per GB-month, NAT gateway data processing $0.045 per GB, interface "
    "endpoint $0.01 per AZ-hour and $0.01 per GB, S3 gateway endpoint free (us-east-1; derived from the AWS "
    "Price List via Infracost, 2024 {infracost}; the official pricing pages could not be retrieved, so the NAT per-GB "
    "amount is UNCONFIRMED-official). Data transfer in from the internet is taken as free (UNCONFIRMED). "
    "The price table lists every price used with its source and date.":
        "価格: ECR 標準ストレージ 1 GB 月あたり $0.10、NAT ゲートウェイのデータ処理 1 GB あたり $0.045、"
        "インターフェイスエンドポイント 1 AZ 時間あたり $0.01 および 1 GB あたり $0.01、S3 ゲートウェイエンドポイント"
        "無料(us-east-1。Infracost を介して AWS Price List から導出、2024 年 {infracost}。公式の料金ページは取得できなかったため、"
        "NAT の GB あたりの金額は UNCONFIRMED-official です)。インターネットからのデータ転送(受信)は無料として"
        "います(UNCONFIRMED)。使用したすべての価格は、出典と日付とともに価格表に記載しています。",
}

#: Upstream registry names written in English in Japanese text too.
KEEP_ENGLISH = (
    "Quay", "GitLab Container Registry", "Azure Container Registry", "Chainguard", "Infracost",
    "Docker Hub", "GitHub", "GitLab",
)
