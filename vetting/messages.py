"""Every sentence the vetting layer says, as message templates (core.messages): the scorers'
explanations, benchmarks and evidence, the vetting report's summary and combination, brand
matching's reasons, monitoring alerts, vetting jobs' log lines; and the labels of the codes they
use (signals, levels, kinds of evidence, anomalies, match parts).

The texts are English and marked with gettext_noop; the Simplified Chinese catalogue
(frontend/locale/zh_Hans) translates them. Numbers are parameters, formatted where the message is
read. Rule constants stated in a benchmark (≤10% is normal) are part of the text, as they are part
of the rule.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from core.messages import (  # noqa: F401 - JOINED is re-exported for the scorers
    COMPACT,
    DATE,
    INT,
    JOINED,
    LIST,
    LIST_OR,
    LIST_SLASH,
    MESSAGE,
    MESSAGE_LIST,
    MESSAGES,
    NUM0,
    NUM1,
    NUM2,
    NUMG,
    PCT0,
    PCT1,
    PCT2,
    SIGNED_INT,
    SIGNED_INTS,
    SIGNED_NUM0,
    SIGNED_PCT1,
    TEXT,
    TRANSLATED,
    define,
    define_labels,
    label_of,
    labels_of,
)

# --- labels -----------------------------------------------------------------------------------------

define_labels(
    "signal",
    {
        "audience_quality": gettext_noop("Fake followers (sampled)"),
        "mass_followers": gettext_noop("Mass followers"),
        "growth_anomalies": gettext_noop("Follower growth anomalies"),
        "following_churn": gettext_noop("Following churn"),
        "engagement_rate": gettext_noop("Engagement rate vs benchmark"),
        "engagement_pattern": gettext_noop("Engagement pattern"),
        "views_per_follower": gettext_noop("Views far below followers"),
        "comment_authenticity": gettext_noop("Comment authenticity"),
        "reused_images": gettext_noop("Reused images"),
    },
)
define_labels(
    "risk_level",
    {
        "low": gettext_noop("Low risk"),
        "medium": gettext_noop("Medium risk"),
        "high": gettext_noop("High risk"),
        "insufficient": gettext_noop("Not enough evidence"),
        "unknown": gettext_noop("Not enough evidence"),
        "": gettext_noop("Not vetted"),
    },
)
define_labels(
    "evidence_kind",
    {
        "follower_sample": gettext_noop("follower sample"),
        "history": gettext_noop("follower history"),
        "posts": gettext_noop("posts"),
        "comments": gettext_noop("comments"),
        "images": gettext_noop("images"),
    },
)
define_labels(
    "evidence_missing",
    {
        "follower_sample": gettext_noop("no follower sample"),
        "history": gettext_noop("no follower history"),
        "posts": gettext_noop("no posts"),
        "comments": gettext_noop("no comments"),
        "images": gettext_noop("no images"),
    },
)
define_labels(
    "evidence_rule",
    {"breadth": gettext_noop("enough kinds of evidence"), "decisive": gettext_noop("one decisive signal")},
)
define_labels(
    "audience_type",
    {
        "real": gettext_noop("real"),
        "suspicious": gettext_noop("suspicious"),
        "mass_follower": gettext_noop("mass followers"),
        "influencer": gettext_noop("influencers"),
        "unknown": gettext_noop("too sparse to judge"),
    },
)
define_labels(
    "anomaly",
    {
        "jump": gettext_noop("jumps"),
        "purge": gettext_noop("purges"),
        "drop": gettext_noop("drops"),
        "burst": gettext_noop("growth bursts"),
        "following_churn": gettext_noop("following churn moves"),
    },
)
define_labels(
    "er_position",
    {
        "far below": gettext_noop("far below"),
        "below": gettext_noop("below"),
        "within": gettext_noop("within"),
        "above": gettext_noop("above"),
        "far above": gettext_noop("far above"),
        "unknown": gettext_noop("not comparable with"),
    },
)
define_labels(
    "tier",
    {
        "nano": gettext_noop("nano"),
        "micro": gettext_noop("micro"),
        "mid": gettext_noop("mid-tier"),
        "macro": gettext_noop("macro"),
        "mega": gettext_noop("mega"),
    },
)
define_labels(
    "copy_kind",
    {"identical": gettext_noop("identical copy"), "near_duplicate": gettext_noop("near-duplicate")},
)
define_labels(
    "match_part",
    {
        "audience_fit": gettext_noop("Audience fit"),
        "authenticity": gettext_noop("Authenticity"),
        "value_alignment": gettext_noop("Value alignment"),
        "engagement": gettext_noop("Engagement"),
    },
)
define_labels(
    "safety_hit",
    {
        "excluded_keyword": gettext_noop("excluded keyword"),
        "excluded_topic": gettext_noop("excluded topic"),
        "competitor_sponsored": gettext_noop("sponsored by a competitor"),
    },
)
define_labels(
    "dimension",
    {
        "age": gettext_noop("age"),
        "gender": gettext_noop("gender"),
        "countries": gettext_noop("countries"),
        "languages": gettext_noop("languages"),
        "interests": gettext_noop("interests"),
    },
)
define_labels(
    "gender",
    {"female": gettext_noop("women"), "male": gettext_noop("men"), "other": gettext_noop("other genders")},
)

# --- shared pieces ----------------------------------------------------------------------------------

ACCOUNT = define(
    "vetting.account", gettext_noop("%(platform)s @%(handle)s"), platform=label_of("platform"), handle=TEXT
)
MORE = define("vetting.more", gettext_noop("%(n)s more"), n=INT)
SHARE_OF_KEY = define("vetting.share_of", gettext_noop("%(key)s %(share)s"), key=TEXT, share=PCT0)
LABELLED_SHARE = define(
    "vetting.labelled_share", gettext_noop("%(key)s %(share)s"), key=label_of("audience_type"), share=PCT1
)

# --- the combined risk (vetting/scoring/risk.py) -----------------------------------------------------

BENCH_FAKE = define(
    "risk.benchmark.audience_quality",
    gettext_noop("≤10%% is normal (every account has some); risk rises to 1 at 40%%"),
)
BENCH_MASS = define(
    "risk.benchmark.mass_followers",
    gettext_noop("≤10%% is normal; risk rises to 1 at 35%% (HypeAuditor: >10%% mass followers is a warning)"),
)
NO_FOLLOWER_SAMPLE = define("risk.no_follower_sample", gettext_noop("no follower sample"))
SPARSE_FOLLOWER_SAMPLE = define("risk.sparse_follower_sample", gettext_noop("follower sample too sparse"))
FAKE_SHARE = define(
    "risk.audience_quality",
    gettext_noop(
        "%(share)s of the sampled followers look fake (95%% interval %(low)s–%(high)s, n=%(n)s), estimated with "
        "the calibrated scorer"
    ),
    share=PCT1,
    low=PCT1,
    high=PCT1,
    n=INT,
)
FAKE_SHARE_VALUE = define(
    "risk.audience_quality.value", gettext_noop("%(share)s (%(low)s–%(high)s)"), share=PCT1, low=PCT1, high=PCT1
)
MASS_SHARE = define(
    "risk.mass_followers",
    gettext_noop("%(share)s of the sampled followers follow more than %(limit)s accounts"),
    share=PCT1,
    limit=INT,
)
SAMPLE_SIZE = define(
    "risk.evidence.sample",
    gettext_noop("%(n)s of %(sampled)s sampled followers showed enough of their profile to be judged"),
    n=INT,
    sampled=INT,
)
AUDIENCE_TYPES = define("risk.evidence.audience_types", gettext_noop("audience types: %(types)s"), types=MESSAGE_LIST)
CALIBRATION_USED = define("risk.evidence.calibration", gettext_noop("calibration: %(name)s"), name=TEXT)

BENCH_GROWTH = define(
    "risk.benchmark.growth_anomalies",
    gettext_noop("jumps beyond the account's own trend: 0%% of followers is normal; risk 1 at 10%%"),
)
BENCH_CHURN_NONE = define("risk.benchmark.following_churn_none", gettext_noop("no follow/unfollow bursts"))
BENCH_CHURN = define("risk.benchmark.following_churn", gettext_noop("0 follow/unfollow bursts; risk 1 at 3"))
NO_SNAPSHOT_HISTORY = define("risk.no_snapshot_history", gettext_noop("no snapshot history"))
GROWTH_FOUND = define(
    "risk.growth_anomalies",
    gettext_noop(
        "jumps: %(jumps)s (round: %(rounds)s), purges: %(purges)s; %(gain)s followers (%(share)s) gained beyond "
        "the trend"
    ),
    jumps=INT,
    rounds=INT,
    purges=INT,
    gain=INT,
    share=PCT1,
)
GROWTH_CLEAN = define(
    "risk.growth_clean",
    gettext_noop("no jump against the account's own trend over %(n)s snapshots"),
    n=INT,
)
GROWTH_BURSTS = define(
    "risk.growth_bursts",
    gettext_noop("%(n)s decaying growth burst (+%(gain)s) with the shape of organic virality, not counted as risk"),
    plural=gettext_noop(
        "%(n)s decaying growth bursts (+%(gain)s) with the shape of organic virality, not counted as risk"
    ),
    count="n",
    n=INT,
    gain=INT,
)
GROWTH_VALUE = define(
    "risk.growth_anomalies.value", gettext_noop("%(share)s of the followers beyond the trend"), share=PCT1
)
CHURN_FOUND = define(
    "risk.following_churn",
    gettext_noop("%(n)s follow/unfollow burst"),
    plural=gettext_noop("%(n)s follow/unfollow bursts"),
    count="n",
    n=INT,
)
CHURN_CLEAN = define("risk.following_churn_clean", gettext_noop("no follow/unfollow churn"))
NO_POSTS = define("risk.no_posts", gettext_noop("no posts"))
BENCH_ER = define(
    "risk.benchmark.engagement_rate",
    gettext_noop("%(platform)s, %(tier)s tier: median %(median)s, usual %(low)s–%(high)s (%(formula)s)"),
    platform=label_of("platform"),
    tier=label_of("tier"),
    median=PCT2,
    low=PCT2,
    high=PCT2,
    formula=MESSAGE,
)
ER_POSITION = define(
    "risk.engagement_rate",
    gettext_noop("%(er)s is %(position)s the benchmark (×%(ratio)s the tier median)"),
    er=PCT2,
    position=label_of("er_position"),
    ratio=NUM2,
)
NO_BENCHMARK = define("risk.no_benchmark", gettext_noop("no benchmark for this platform"))
LPC_HIGH = define(
    "risk.likes_per_comment_high",
    gettext_noop("%(lpc)s likes per comment (usual %(low)s–%(high)s): likes without conversation"),
    lpc=NUM0,
    low=INT,
    high=INT,
)
LPC_NO_COMMENTS = define(
    "risk.no_comments_at_all",
    gettext_noop("no comments at all (usual %(low)s–%(high)s likes per comment): likes without conversation"),
    low=INT,
    high=INT,
)
LPC_LOW = define(
    "risk.likes_per_comment_low",
    gettext_noop(
        "%(lpc)s likes per comment (usual %(low)s–%(high)s): comment-heavy, typical of pods or bought comments"
    ),
    lpc=NUM1,
    low=INT,
    high=INT,
)
SPIKY_POSTS = define(
    "risk.spiky_posts",
    gettext_noop("%(n)s post with engagement far off the neighbouring posts"),
    plural=gettext_noop("%(n)s posts with engagement far off the neighbouring posts"),
    count="n",
    n=INT,
)
PATTERN_CLEAN = define(
    "risk.pattern_clean", gettext_noop("likes/comments ratio and post-to-post engagement look normal")
)
BENCH_PATTERN = define(
    "risk.benchmark.engagement_pattern",
    gettext_noop(
        "likes per comment %(low)s–%(high)s; no post ≥ %(z)s robust SDs off its neighbours; no ×%(factor)s level shift"
    ),
    low=INT,
    high=INT,
    z=NUMG,
    factor=NUMG,
)
PATTERN_VALUE = define(
    "risk.engagement_pattern.value",
    gettext_noop("%(lpc)s likes per comment, %(changes)s sudden changes"),
    lpc=NUM1,
    changes=INT,
)
PATTERN_VALUE_NO_COMMENTS = define(
    "risk.engagement_pattern.value_no_comments",
    gettext_noop("no comments, %(changes)s sudden changes"),
    changes=INT,
)
PATTERN_VALUE_NO_LIKES = define(
    "risk.engagement_pattern.value_no_likes", gettext_noop("%(changes)s sudden changes"), changes=INT
)
VIEWS_PER_FOLLOWER = define(
    "risk.views_per_follower",
    gettext_noop("median views are %(vpf)s of followers (tier median %(median)s)"),
    vpf=PCT1,
    median=PCT0,
)
VIEWS_PER_FOLLOWER_LOW = define(
    "risk.views_per_follower_low",
    gettext_noop("median views are %(vpf)s of followers (tier median %(median)s): followers who do not watch"),
    vpf=PCT1,
    median=PCT0,
)
BENCH_VIEWS = define(
    "risk.benchmark.views_per_follower",
    gettext_noop(
        "%(platform)s, %(tier)s tier: median views per follower %(median)s, usual ≥ %(low)s; risk 0.3 below half "
        "the median, 1 at a tenth of it"
    ),
    platform=label_of("platform"),
    tier=label_of("tier"),
    median=PCT0,
    low=PCT0,
)
BENCH_COMMENTS = define(
    "risk.benchmark.comment_authenticity",
    gettext_noop(
        "generic/emoji-only ≤40%% normal (risk 1 at 85%%); copy-pasted/coordinated texts ≤5%% (risk 1 at 30%%); no "
        "pod; comments in the audience's or creator's languages (≤30%% foreign; at most 0.6 from this alone)"
    ),
)
FEW_COMMENTS = define("risk.few_comments", gettext_noop("too few sampled comments (%(n)s)"), n=INT)
LOW_EFFORT = define("risk.low_effort_comments", gettext_noop("%(share)s generic or emoji-only"), share=PCT0)
DUPLICATED = define("risk.duplicated_comments", gettext_noop("%(share)s duplicated texts"), share=PCT0)
POD = define(
    "risk.pod",
    gettext_noop("pod: %(members)s comment in the same order on %(posts)s posts"),
    members=LIST,
    posts=INT,
)
FOREIGN_LANGUAGE = define(
    "risk.foreign_language_comments",
    gettext_noop("%(share)s in languages the audience barely speaks"),
    share=PCT0,
)
DUPLICATE_GROUP = define(
    "risk.evidence.duplicate",
    gettext_noop("“%(text)s” ×%(times)s, by %(commenters)s"),
    text=TEXT,
    times=INT,
    commenters=LIST,
)
POD_MEMBERS = define(
    "risk.evidence.pod",
    gettext_noop("pod of %(n)s commenters (%(members)s) in the same order on %(posts)s of %(total)s posts"),
    n=INT,
    members=LIST,
    posts=INT,
    total=INT,
)
GENERIC_EXAMPLES = define("risk.evidence.generic", gettext_noop("generic comments: %(texts)s"), texts=LIST)
EMOJI_EXAMPLES = define("risk.evidence.emoji", gettext_noop("emoji-only comments: %(texts)s"), texts=LIST)
COMMENT_LANGUAGES = define(
    "risk.evidence.languages", gettext_noop("comment languages: %(languages)s"), languages=MESSAGE_LIST
)
BENCH_REUSE = define(
    "risk.benchmark.reused_images",
    gettext_noop(
        "≤15%% of the images first posted by other creators is normal (reposts, stock or campaign pictures); risk 1 "
        "at 50%%; fewer than 2 copied images give at most half the risk"
    ),
)
NO_IMAGES = define("risk.no_images", gettext_noop("no images of this account in the catalogue"))
REUSED = define(
    "risk.reused_images",
    gettext_noop("%(copied)s of %(n)s images (%(share)s) first posted by other creators"),
    copied=NUMG,
    n=INT,
    share=PCT0,
)
REUSED_FROM = define(
    "risk.reused_images_from",
    gettext_noop("%(copied)s of %(n)s images (%(share)s) first posted by other creators (%(accounts)s)"),
    copied=NUMG,
    n=INT,
    share=PCT0,
    accounts=MESSAGE_LIST,
)
REUSE_UNDATED = define(
    "risk.reused_undated",
    gettext_noop("%(n)s with no date to tell who posted first (counted half)"),
    n=INT,
)
REUSE_FIRST_HERE = define(
    "risk.reused_first_here",
    gettext_noop("%(n)s posted here first and copied elsewhere (not counted)"),
    n=INT,
)
REUSE_IMAGE_COPIED = define(
    "reuse.copied",
    gettext_noop("image %(asset)s: %(kind)s of a picture posted earlier by %(accounts)s"),
    asset=TEXT,
    kind=label_of("copy_kind"),
    accounts=MESSAGE_LIST,
)
REUSE_IMAGE_FIRST_HERE = define(
    "reuse.first_here",
    gettext_noop("image %(asset)s: posted here first; later %(kind)s on %(accounts)s (not counted)"),
    asset=TEXT,
    kind=label_of("copy_kind"),
    accounts=MESSAGE_LIST,
)
REUSE_IMAGE_UNDETERMINED = define(
    "reuse.undetermined",
    gettext_noop("image %(asset)s: %(kind)s also on %(accounts)s; who posted first is unknown"),
    asset=TEXT,
    kind=label_of("copy_kind"),
    accounts=MESSAGE_LIST,
)
SHARE_VALUE = define("risk.share.value", gettext_noop("%(share)s"), share=PCT1)
RATE_VALUE = define("risk.rate.value", gettext_noop("%(rate)s"), rate=PCT2)
COUNT_VALUE = define("risk.count.value", gettext_noop("%(n)s"), n=INT)
COMMENTS_VALUE = define(
    "risk.comment_authenticity.value",
    gettext_noop("%(low_effort)s generic, %(duplicated)s duplicated"),
    low_effort=PCT0,
    duplicated=PCT0,
)

NO_SIGNAL_DATA = define("risk.no_signal_data", gettext_noop("no signal has data"))
DECIDED_BY = define("risk.decided_by", gettext_noop("decisive signal: %(signal)s"), signal=label_of("signal"))
WEIGHTED_MEAN = define("risk.weighted_mean", gettext_noop("weighted mean of the available signals"))
SUMMARY_NOTHING = define(
    "risk.summary.no_data",
    gettext_noop("not enough evidence: no follower sample, history, posts, comments or images"),
)
SUMMARY_INSUFFICIENT = define(
    "risk.summary.insufficient",
    gettext_noop("not enough evidence (indicative %(level)s, risk %(risk)s, confidence %(confidence)s)"),
    level=label_of("risk_level"),
    risk=NUM2,
    confidence=PCT0,
)
SUMMARY_LEVEL = define(
    "risk.summary.level", gettext_noop("%(level)s (%(risk)s)"), level=label_of("risk_level"), risk=NUM2
)
SUMMARY_MOSTLY = define("risk.summary.mostly", gettext_noop("mostly %(signals)s"), signals=labels_of("signal", "and"))
SUMMARY_NO_DATA_FOR = define(
    "risk.summary.no_data_for", gettext_noop("no data for %(signals)s"), signals=labels_of("signal")
)
COMBINATION = define(
    "risk.combination",
    gettext_noop(
        "weighted mean of %(n)s signals with data %(mean)s; decisive floor: %(signal)s %(risk)s × %(factor)s = "
        "%(floor)s; risk = the larger = %(result)s"
    ),
    n=INT,
    mean=NUM2,
    signal=label_of("signal"),
    risk=NUM2,
    factor=NUM2,
    floor=NUM2,
    result=NUM2,
)
COMBINATION_CAPPED = define(
    "risk.combination_capped",
    gettext_noop(
        "weighted mean of %(n)s signals with data %(mean)s; decisive floor: %(signal)s %(risk)s × %(factor)s = "
        "%(floor)s; risk = the larger, capped at the worst signal = %(result)s"
    ),
    n=INT,
    mean=NUM2,
    signal=label_of("signal"),
    risk=NUM2,
    factor=NUM2,
    floor=NUM2,
    result=NUM2,
)
EVIDENCE_MET = define(
    "risk.evidence_rule_met",
    gettext_noop("Evidence rule met (%(rule)s): confidence %(confidence)s; evidence: %(kinds)s."),
    rule=label_of("evidence_rule"),
    confidence=PCT0,
    kinds=labels_of("evidence_kind"),
)
EVIDENCE_NOT_MET = define(
    "risk.evidence_rule_not_met",
    gettext_noop(
        "Not enough evidence for a verdict: confidence %(confidence)s, evidence: %(kinds)s; a level needs "
        "confidence ≥ %(min_confidence)s and %(min_kinds)s kinds of evidence, or one decisive signal with "
        "confidence ≥ %(decisive)s."
    ),
    confidence=PCT0,
    kinds=labels_of("evidence_kind"),
    min_confidence=PCT0,
    min_kinds=INT,
    decisive=PCT0,
)

# --- growth anomalies (vetting/scoring/growth.py) -----------------------------------------------------

GROWTH_TOO_FEW = define(
    "growth.too_few_snapshots",
    gettext_noop("needs at least %(min)s snapshots, has %(n)s"),
    min=INT,
    n=INT,
)
GROWTH_GAPS = define(
    "growth.gaps",
    gettext_noop("snapshots have gaps of up to %(days)s days; jumps inside gaps are spread out"),
    days=INT,
)
BURST = define(
    "growth.burst",
    gettext_noop(
        "+%(gain)s followers over %(days)s days from %(date)s, decaying day by day (%(sizes)s beyond the trend): the "
        "shape of organic virality rather than a bought package"
    ),
    gain=INT,
    days=INT,
    date=DATE,
    sizes=SIGNED_INTS,
)
BURST_AFTER_POST = define(
    "growth.burst_after_post", gettext_noop("a post on %(date)s had an engagement spike"), date=DATE
)
JUMP = define(
    "growth.jump",
    gettext_noop(
        "%(change)s followers in %(days)s days against a trend of %(expected)s: %(z)s robust standard deviations "
        "above the account's own day-to-day variation"
    ),
    change=SIGNED_INT,
    days=INT,
    expected=SIGNED_NUM0,
    z=NUM0,
)
JUMP_PACKAGE = define(
    "growth.jump_package",
    gettext_noop("the excess (≈%(excess)s) matches a common bought-follower package of %(package)s"),
    excess=INT,
    package=INT,
)
JUMP_AFTER_POST = define(
    "growth.jump_after_post",
    gettext_noop("it follows an engagement spike on a post of %(date)s (possibly organic)"),
    date=DATE,
)
PURGE = define(
    "growth.purge",
    gettext_noop(
        "%(change)s followers %(days)s days after a jump of +%(jump)s on %(date)s: removal of bought followers (purge)"
    ),
    change=SIGNED_INT,
    days=INT,
    jump=INT,
    date=DATE,
)
DROP = define(
    "growth.drop",
    gettext_noop(
        "%(change)s followers in %(days)s days against a trend of %(expected)s: %(z)s robust standard deviations "
        "below the account's own variation"
    ),
    change=SIGNED_INT,
    days=INT,
    expected=SIGNED_NUM0,
    z=NUM0,
)
CHURN = define(
    "growth.following_churn",
    gettext_noop(
        "following count %(first)s on %(first_date)s then %(second)s on %(second_date)s: follow/unfollow churn "
        "(%(z1)s and %(z2)s robust SDs from the account's own following trend)"
    ),
    first=SIGNED_INT,
    first_date=DATE,
    second=SIGNED_INT,
    second_date=DATE,
    z1=NUM0,
    z2=NUM0,
)
GROWTH_UNAVAILABLE = define(
    "growth.summary.unavailable", gettext_noop("growth history unavailable (%(note)s)"), note=MESSAGE
)
GROWTH_STEADY = define("growth.summary.steady", gettext_noop("steady growth over %(n)s snapshots, no anomaly"), n=INT)
ANOMALY_COUNT = define("growth.summary.kind", gettext_noop("%(kind)s: %(n)s"), kind=label_of("anomaly"), n=INT)
GAINED_IN_JUMPS = define(
    "growth.summary.gain",
    gettext_noop("%(gain)s followers (%(share)s) gained in jumps"),
    gain=INT,
    share=PCT1,
)

# --- engagement (vetting/scoring/engagement.py) -------------------------------------------------------

ENGAGEMENT_SPIKE = define(
    "engagement.spike",
    gettext_noop("engagement %(rate)s against %(expected)s on the neighbouring posts (%(z)s robust SDs above)"),
    rate=PCT2,
    expected=PCT2,
    z=NUM0,
)
ENGAGEMENT_DIP = define(
    "engagement.dip",
    gettext_noop("engagement %(rate)s against %(expected)s on the neighbouring posts (%(z)s robust SDs below)"),
    rate=PCT2,
    expected=PCT2,
    z=NUM0,
)
ENGAGEMENT_SHIFT = define(
    "engagement.shift",
    gettext_noop("median engagement moved from %(older)s to %(newer)s from this post on (×%(factor)s)"),
    older=PCT2,
    newer=PCT2,
    factor=NUM1,
)
NO_BENCHMARK_FOR = define(
    "engagement.no_benchmark", gettext_noop("no benchmark for platform %(platform)s"), platform=label_of("platform")
)
NO_STORED_RATE = define("engagement.no_stored_rate", gettext_noop("no engagement rate in the account's metrics"))
NO_RATE = define("engagement.no_rate", gettext_noop("no engagement rate: %(reason)s"), reason=label_of("er_missing"))
define_labels(
    "er_missing",
    {
        "no posts": gettext_noop("no posts"),
        "no post in the window has a view count": gettext_noop("no post in the window has a view count"),
        "the follower count is unknown": gettext_noop("the follower count is unknown"),
    },
)

# --- audience fit (vetting/scoring/audience_fit.py) --------------------------------------------------

WHO_GENDER = define("fit.who.gender", gettext_noop("%(genders)s"), genders=labels_of("gender", "and"))
WHO_AGED = define("fit.who.aged", gettext_noop("aged %(low)s–%(high)s"), low=INT, high=INT)
WHO_AGED_OVER = define("fit.who.aged_over", gettext_noop("aged %(low)s+"), low=INT)
WHO_AGE_BANDS = define("fit.who.age_bands", gettext_noop("aged %(bands)s"), bands=LIST_SLASH)
WHO_IN = define("fit.who.countries", gettext_noop("in %(countries)s"), countries=LIST_OR)
WHO_SPEAKING = define("fit.who.languages", gettext_noop("speaking %(languages)s"), languages=LIST_OR)
WHO_INTERESTED = define(
    "fit.who.interests", gettext_noop("interested in %(interests)s"), interests=labels_of("interest", "or")
)
FIT_NO_DATA_FOR = define(
    "fit.no_data_for_dimension",
    gettext_noop("no audience data for %(dimension)s (target: %(target)s %(who)s)"),
    dimension=label_of("dimension"),
    target=PCT0,
    who=MESSAGE,
)
FIT_DIMENSION = define(
    "fit.dimension",
    gettext_noop("%(share)s of the audience is %(who)s (target %(target)s)"),
    share=PCT0,
    who=MESSAGE,
    target=PCT0,
)
FIT_NO_TARGET = define("fit.no_target", gettext_noop("the brand has no target audience"))
FIT_NO_DATA = define("fit.no_data", gettext_noop("no audience data for the target"))
FIT_JOINT = define(
    "fit.summary.joint",
    gettext_noop(
        "≈%(share)s of the audience is %(who)s, target %(target)s (dimensions assumed independent); fit %(fit)s"
    ),
    share=PCT0,
    who=MESSAGE_LIST,
    target=PCT0,
    fit=NUM2,
)
FIT_ONE = define(
    "fit.summary.one",
    gettext_noop("%(share)s of the audience is %(who)s, target %(target)s; fit %(fit)s"),
    share=PCT0,
    who=MESSAGE_LIST,
    target=PCT0,
    fit=NUM2,
)
FIT_OLD_DATA = define("fit.summary.old", gettext_noop("audience data is %(days)s days old"), days=INT)
FIT_MISSING_DIMENSIONS = define(
    "fit.summary.missing", gettext_noop("no data for %(dimensions)s"), dimensions=labels_of("dimension")
)

# --- value alignment (vetting/scoring/value_alignment.py) --------------------------------------------

TEXT_SIMILARITY = define(
    "alignment.text", gettext_noop("text similarity %(similarity)s → %(score)s"), similarity=NUM2, score=NUM2
)
TEXT_SIMILARITY_SHARED = define(
    "alignment.text_shared",
    gettext_noop("text similarity %(similarity)s → %(score)s (shared: %(terms)s)"),
    similarity=NUM2,
    score=NUM2,
    terms=LIST,
)
# The mood-board number is vision's calibrated match (0: no closer than a typical catalogue
# account, 1: three standard deviations above), not a raw similarity: the wording says so.
MOOD_BOARD = define(
    "alignment.mood_board", gettext_noop("mood-board match vs the catalogue %(similarity)s"), similarity=NUM2
)
SAFETY_HITS = define(
    "alignment.safety_hits",
    gettext_noop("−%(penalty)s for %(n)s brand-safety hits: %(hits)s"),
    penalty=NUM2,
    n=INT,
    hits=MESSAGES,
)
SAFETY_HIT_IN_POST = define("alignment.safety_hit", gettext_noop("%(term)s in post %(post)s"), term=TEXT, post=TEXT)
SPONSORED_BY = define("alignment.sponsored_by", gettext_noop("sponsored by %(sponsor)s"), sponsor=TEXT)

# --- brand matching (vetting/services/matching.py) ---------------------------------------------------

NEUTRAL_NO_AUDIENCE = define("match.no_audience", gettext_noop("no audience data: counted as neutral (0.5)"))
NEUTRAL_NO_TARGET_DATA = define(
    "match.no_target_data", gettext_noop("no audience data for the brand's target dimensions: counted as neutral (0.5)")
)
NEUTRAL_NO_TARGET = define(
    "match.no_target", gettext_noop("the brand has no target audience: counted as neutral (0.5)")
)
NEUTRAL_NOT_VETTED = define("match.not_vetted", gettext_noop("not vetted yet: counted as neutral (0.5), not as clean"))
AUTHENTICITY = define(
    "match.authenticity",
    gettext_noop("fake-follower risk %(risk)s (%(level)s), confidence %(confidence)s"),
    risk=NUM2,
    level=label_of("risk_level"),
    confidence=PCT0,
)
AUTHENTICITY_OF = define(
    "match.authenticity_of",
    gettext_noop(
        "fake-follower risk %(risk)s of %(account)s, the creator's riskiest account (%(level)s), confidence "
        "%(confidence)s"
    ),
    risk=NUM2,
    account=MESSAGE,
    level=label_of("risk_level"),
    confidence=PCT0,
)
MISSING_EVIDENCE = define("match.missing", gettext_noop("no data: %(kinds)s"), kinds=labels_of("evidence_kind"))
TEXT_WITH_BRAND = define(
    "match.text", gettext_noop("text similarity %(similarity)s with the brand's values"), similarity=NUM2
)
TEXT_WITH_BRAND_SHARED = define(
    "match.text_shared",
    gettext_noop("text similarity %(similarity)s with the brand's values (shared: %(terms)s)"),
    similarity=NUM2,
    terms=LIST,
)
NO_TEXT_YET = define("match.no_text", gettext_noop("no bio or captions analysed yet"))
MOOD_BOARD_MATCH = define(
    "match.mood_board",
    gettext_noop("mood-board match %(similarity)s (calibrated against the catalogue, 0–1)"),
    similarity=NUM2,
)
SAFETY_PENALTY = define(
    "match.safety_hit",
    gettext_noop("−%(penalty)s: %(kind)s “%(term)s”"),
    penalty=NUM2,
    kind=label_of("safety_hit"),
    term=TEXT,
)
SAFETY_PENALTY_DATED = define(
    "match.safety_hit_dated",
    gettext_noop("−%(penalty)s: %(kind)s “%(term)s” (%(date)s)"),
    penalty=NUM2,
    kind=label_of("safety_hit"),
    term=TEXT,
    date=DATE,
)
NOT_SCORED = define("match.not_scored", gettext_noop("not scored: counted as neutral (0.5)"))
NO_ENGAGEMENT = define("match.no_engagement", gettext_noop("no engagement data: counted as neutral (0.5)"))
ENGAGEMENT_QUALITY = define("match.engagement", gettext_noop("engagement quality %(quality)s"), quality=NUM2)
ENGAGEMENT_QUALITY_RATE = define(
    "match.engagement_rate",
    gettext_noop("engagement quality %(quality)s (engagement rate %(rate)s)"),
    quality=NUM2,
    rate=PCT2,
)
ENGAGEMENT_QUALITY_BENCH = define(
    "match.engagement_benchmark",
    gettext_noop("engagement quality %(quality)s (engagement rate %(rate)s, tier median %(median)s)"),
    quality=NUM2,
    rate=PCT2,
    median=PCT2,
)
MOOD_BOARD_UNUSED = define(
    "match.mood_board_unused", gettext_noop("mood board not used: its images could not be compared right now")
)
ALIGNMENT_UNSCORED = define(
    "match.alignment_unscored",
    gettext_noop("value alignment not scored: the brand has no values, description or mood board"),
)
NO_POSITIVE_WEIGHT = define("match.no_positive_weight", gettext_noop("at least one weight must be positive"))

# --- vetting jobs -----------------------------------------------------------------------------------

VETTED_COUNT = define(
    "job.vetted",
    gettext_noop("vetted %(n)s account: %(levels)s"),
    plural=gettext_noop("vetted %(n)s accounts: %(levels)s"),
    count="n",
    n=INT,
    levels=MESSAGE_LIST,
)
LEVEL_COUNT = define("job.level_count", gettext_noop("%(level)s %(n)s"), level=label_of("risk_level"), n=INT)

# --- the engagement-rate formula (influencers.metrics.engagement.er_definition) ---------------------

define_labels(
    "er_count",
    {
        "likes": gettext_noop("likes"),
        "comments": gettext_noop("comments"),
        "saves": gettext_noop("saves"),
        "shares": gettext_noop("shares"),
    },
)
define_labels(
    "er_base",
    {"followers": gettext_noop("followers at posting time"), "views": gettext_noop("views")},
)
ER_FORMULA = define(
    "engagement.formula",
    gettext_noop("median over recent posts of (%(counts)s) / %(base)s"),
    counts=labels_of("er_count", "plus"),
    base=label_of("er_base"),
)

# --- monitoring (vetting/monitoring/) -----------------------------------------------------------------

define_labels(
    "anomaly_one",
    {
        "jump": gettext_noop("jump"),
        "purge": gettext_noop("purge"),
        "drop": gettext_noop("drop"),
        "burst": gettext_noop("growth burst"),
    },
)
define_labels(
    "matched_by",
    {"sponsor": gettext_noop("sponsor"), "mention": gettext_noop("mention"), "caption": gettext_noop("caption")},
)
GROWTH_HEADLINE = define(
    "monitor.growth_headline",
    gettext_noop("%(kind)s of %(size)s followers"),
    kind=label_of("anomaly_one"),
    size=SIGNED_INT,
)
GROWTH_HEADLINE_PACKAGE = define(
    "monitor.growth_headline_package",
    gettext_noop("%(kind)s of %(size)s followers (a %(package)s package?)"),
    kind=label_of("anomaly_one"),
    size=SIGNED_INT,
    package=INT,
)
CHURN_WHY = define(
    "monitor.churn_why",
    gettext_noop(
        "%(moves)s outlying following-count moves in %(waves)s follow/unfollow waves between %(first)s and "
        "%(last)s; latest: %(latest)s"
    ),
    moves=INT,
    waves=INT,
    first=DATE,
    last=DATE,
    latest=MESSAGE,
)
CHURN_HEADLINE = define("monitor.churn_headline", gettext_noop("follow/unfollow churn in %(waves)s waves"), waves=INT)
SHIFT_HEADLINE = define(
    "monitor.shift_headline",
    gettext_noop("engagement level shift %(older)s → %(newer)s"),
    older=PCT2,
    newer=PCT2,
)
SPIKE_HEADLINE = define(
    "monitor.spike_headline",
    gettext_noop("engagement spike %(rate)s vs %(expected)s expected"),
    rate=PCT2,
    expected=PCT2,
)
DIP_HEADLINE = define(
    "monitor.dip_headline",
    gettext_noop("engagement dip %(rate)s vs %(expected)s expected"),
    rate=PCT2,
    expected=PCT2,
)
FAR_FROM_BENCHMARK_WHY = define(
    "monitor.benchmark_why",
    gettext_noop(
        "engagement rate %(er)s is %(position)s the %(platform)s %(tier)s benchmark (%(low)s–%(high)s, median "
        "%(median)s; %(formula)s)"
    ),
    er=PCT2,
    position=label_of("er_position"),
    platform=label_of("platform"),
    tier=label_of("tier"),
    low=PCT2,
    high=PCT2,
    median=PCT2,
    formula=MESSAGE,
)
FAR_FROM_BENCHMARK_HEADLINE = define(
    "monitor.benchmark_headline",
    gettext_noop("engagement %(position)s the %(tier)s benchmark (%(er)s)"),
    position=label_of("er_position"),
    tier=label_of("tier"),
    er=PCT2,
)
KEYWORD_TITLE_MANY = define(
    "monitor.keyword_title",
    gettext_noop("%(n)s posts with excluded terms (%(terms)s) within %(days)s days"),
    n=INT,
    terms=LIST,
    days=NUM0,
)
KEYWORD_TITLE_ONE = define(
    "monitor.keyword_title_one", gettext_noop("A post with excluded terms (%(terms)s)"), terms=LIST
)
KEYWORD_SUMMARY = define(
    "monitor.keyword_summary",
    gettext_noop(
        "%(creator)s published %(n)s posts mentioning %(terms)s between %(first)s and %(last)s; the rule fires at "
        "%(min)s or more posts within %(window)s days."
    ),
    creator=TEXT,
    n=INT,
    terms=LIST,
    first=DATE,
    last=DATE,
    min=INT,
    window=INT,
)
SENTIMENT_TITLE = define(
    "monitor.sentiment_title",
    gettext_noop("Negative comments at %(share)s, baseline %(baseline)s"),
    share=PCT0,
    baseline=PCT0,
)
SENTIMENT_SUMMARY = define(
    "monitor.sentiment_summary",
    gettext_noop(
        "%(negative)s of %(comments)s comments on %(creator)s's posts in the last %(days)s days are negative "
        "(%(share)s); their usual share is %(baseline)s (median of %(periods)s earlier %(days)s-day periods), robust "
        "z %(z)s. The rule fires at baseline + %(margin)s and z ≥ %(z_threshold)s."
    ),
    negative=INT,
    comments=INT,
    creator=TEXT,
    days=INT,
    share=PCT0,
    baseline=PCT0,
    periods=INT,
    z=NUM1,
    margin=PCT0,
    z_threshold=NUMG,
)
GROWTH_ANOMALY_TITLE = define(
    "monitor.growth_anomaly_title",
    gettext_noop("Follower growth anomaly: %(headline)s (%(date)s)"),
    headline=MESSAGE,
    date=DATE,
)
ENGAGEMENT_ANOMALY_TITLE = define(
    "monitor.engagement_anomaly_title",
    gettext_noop("Engagement anomaly: %(headline)s (%(date)s)"),
    headline=MESSAGE,
    date=DATE,
)
ANOMALY_SUMMARY = define("monitor.anomaly_summary", gettext_noop("%(creator)s: %(why)s"), creator=TEXT, why=MESSAGE)
COMPETITOR_TITLE = define(
    "monitor.competitor_title",
    gettext_noop("%(n)s sponsored post for competitor %(competitor)s"),
    plural=gettext_noop("%(n)s sponsored posts for competitor %(competitor)s"),
    count="n",
    n=INT,
    competitor=TEXT,
)
COMPETITOR_SUMMARY = define(
    "monitor.competitor_summary",
    gettext_noop(
        "%(creator)s published %(n)s paid posts for %(competitor)s in the last %(days)s days, the latest on %(date)s."
    ),
    creator=TEXT,
    n=INT,
    competitor=TEXT,
    days=INT,
    date=DATE,
)
WATCH_EVALUATED = define(
    "job.watch_evaluated",
    gettext_noop(
        "watch evaluation: %(creators)s creators, %(rules)s rules, %(hits)s hits; alerts: %(created)s new, "
        "%(updated)s updated, %(suppressed)s suppressed (resolved before); %(invalid)s invalid rules skipped"
    ),
    creators=INT,
    rules=INT,
    hits=INT,
    created=INT,
    updated=INT,
    suppressed=INT,
    invalid=INT,
)
EXPORTING = define(
    "job.exporting",
    gettext_noop("exporting %(n)s creator as %(format)s"),
    plural=gettext_noop("exporting %(n)s creators as %(format)s"),
    count="n",
    n=INT,
    format=label_of("export_format"),
)
define_labels(
    "export_format",
    {"csv": gettext_noop("CSV"), "xlsx": gettext_noop("Excel (XLSX)"), "pdf": gettext_noop("PDF vetting report")},
)
DEMO_SEEDED = define(
    "job.demo_seeded",
    gettext_noop("synthetic demo catalogue seeded: %(counts)s"),
    counts=MESSAGE_LIST,
)
COUNT_OF = define("job.count_of", gettext_noop("%(what)s: %(n)s"), what=label_of("count"), n=INT)
define_labels(
    "count",
    {
        "rules": gettext_noop("rules"),
        "hits": gettext_noop("rule hits"),
        "alerts_created": gettext_noop("alerts created"),
        "alerts_updated": gettext_noop("alerts updated"),
        "alerts_suppressed": gettext_noop("alerts suppressed (resolved before)"),
        "invalid_rules": gettext_noop("invalid rules skipped"),
        "brands": gettext_noop("brands"),
        "mood_board_images": gettext_noop("mood-board images"),
        "shortlist_entries": gettext_noop("shortlist entries"),
        "vetted": gettext_noop("accounts vetted"),
    },
)

# --- price and reach estimates (vetting/monitoring/pricing.py) --------------------------------------

REACH_BASIS_VIEWS = define("estimate.reach_views", gettext_noop("median views of recent posts"))
REACH_BASIS_RATE = define(
    "estimate.reach_rate",
    gettext_noop("followers × reach rate %(low)s–%(high)s of the %(tier)s tier"),
    low=PCT0,
    high=PCT0,
    tier=label_of("tier"),
)
CPE_BASIS = define("estimate.cpe", gettext_noop("cost per post / median engagements of recent posts"))
CPE_NONE = define("estimate.cpe_none", gettext_noop("no engagement figures for recent posts"))
CPM_BASIS = define("estimate.cpm", gettext_noop("cost per post / estimated reach × 1,000"))

# --- exports (vetting/services/exports/) ---------------------------------------------------------------

# Column headers of the CSV and XLSX exports, by their stable codes (the CSV's machine header).
define_labels(
    "export_column",
    {
        "creator_id": gettext_noop("Creator ID"),
        "display_name": gettext_noop("Creator"),
        "country": gettext_noop("Country"),
        "languages": gettext_noop("Languages"),
        "categories": gettext_noop("Categories"),
        "contact_email": gettext_noop("Contact email"),
        "platform": gettext_noop("Platform"),
        "handle": gettext_noop("Handle"),
        "followers": gettext_noop("Followers"),
        "engagement_rate": gettext_noop("Engagement rate"),
        "er_formula": gettext_noop("Engagement rate formula"),
        "data_as_of": gettext_noop("Data as of"),
        "data_stale": gettext_noop("Stale data"),
        "growth_30d": gettext_noop("Follower growth, 30 days"),
        "growth_90d": gettext_noop("Follower growth, 90 days"),
        "posts_per_week": gettext_noop("Posts per week"),
        "fake_risk": gettext_noop("Fake-follower risk"),
        "risk_level": gettext_noop("Risk level"),
        "risk_reason": gettext_noop("Main reason"),
        "risk_account": gettext_noop("Account setting the risk"),
        "risk_confidence": gettext_noop("Risk confidence"),
        "risk_missing": gettext_noop("Missing evidence"),
        "accounts_without_verdict": gettext_noop("Accounts without a verdict"),
        "other_accounts": gettext_noop("Other accounts"),
        "status": gettext_noop("Status"),
        "notes": gettext_noop("Notes"),
        "added_at": gettext_noop("Added on"),
        "added_by": gettext_noop("Added by"),
        "followers_when_added": gettext_noop("Followers when added"),
        "fake_risk_when_added": gettext_noop("Fake-follower risk when added"),
        "match_score": gettext_noop("Match score (0–100)"),
        "match_note": gettext_noop("Match note"),
        "audience_fit": gettext_noop("Audience fit (0–100)"),
        "authenticity": gettext_noop("Authenticity (0–100)"),
        "value_alignment": gettext_noop("Value alignment (0–100)"),
        "engagement_quality": gettext_noop("Engagement quality (0–100)"),
        "est_reach_min": gettext_noop("Estimated reach per post, min"),
        "est_reach_max": gettext_noop("Estimated reach per post, max"),
        "est_cost_min_usd": gettext_noop("Estimated fee per post, min (USD)"),
        "est_cost_max_usd": gettext_noop("Estimated fee per post, max (USD)"),
        "est_cpm_min_usd": gettext_noop("Estimated CPM, min (USD)"),
        "est_cpm_max_usd": gettext_noop("Estimated CPM, max (USD)"),
        "est_cpe_min_usd": gettext_noop("Estimated CPE, min (USD)"),
        "est_cpe_max_usd": gettext_noop("Estimated CPE, max (USD)"),
        "est_tier": gettext_noop("Rate tier"),
        "est_rate_table": gettext_noop("Rate table"),
    },
)
define_labels("yes_no", {"yes": gettext_noop("yes"), "no": gettext_noop("no")})
define_labels(
    "entry_status",
    {
        "candidate": gettext_noop("Candidate"),
        "approved": gettext_noop("Approved"),
        "rejected": gettext_noop("Rejected"),
        "contacted": gettext_noop("Contacted"),
        "booked": gettext_noop("Booked"),
    },
)
define_labels("language", {"en": gettext_noop("English"), "zh-hans": gettext_noop("Simplified Chinese")})
ACCOUNT_LEVEL = define(
    "export.account_level",
    gettext_noop("%(platform)s @%(handle)s (%(level)s)"),
    platform=label_of("platform"),
    handle=TEXT,
    level=label_of("risk_level"),
)
MATCH_NO_BRAND = define("export.match_no_brand", gettext_noop("no match score: the shortlist has no brand"))
MATCH_SEARCH = define("export.match_search", gettext_noop("no match score: a search export is not tied to a brand"))
MATCH_NOT_RANKED = define(
    "export.match_not_ranked",
    gettext_noop("no match score: the creator has no account the brand's matching could rank"),
)
MATCH_FAILED = define("export.match_failed", gettext_noop("no match score: the matching could not run for this export"))
MAIN_REASON_MISSING = define(
    "export.main_reason_missing",
    gettext_noop("not enough evidence: %(missing)s"),
    missing=labels_of("evidence_missing"),
)
NOT_VETTED_YET = define("export.not_vetted", gettext_noop("not vetted yet"))
RANGE = define("export.range", gettext_noop("%(low)s–%(high)s"), low=INT, high=INT)
USD_RANGE = define("export.usd_range", gettext_noop("US$%(low)s–%(high)s"), low=INT, high=INT)
USD_RANGE_OPEN = define("export.usd_range_open", gettext_noop("US$%(low)s–%(high)s+"), low=INT, high=INT)

# The method sheet (XLSX) and the PDF's method note.
METHOD_ER = define(
    "method.er",
    gettext_noop(
        "Engagement rate (ER): one definition per platform, the median per-post rate over the 12 newest posts of "
        "the 90 days ending at the account's newest post. %(platform)s: %(formula)s."
    ),
    platform=label_of("platform"),
    formula=MESSAGE,
)
METHOD_RISK = define(
    "method.risk",
    gettext_noop(
        "Fake-follower risk (0–100%%): the weighted mean of up to nine signals (sampled followers, growth "
        "anomalies, engagement against its benchmark, comment authenticity, reused images, views per follower), "
        "raised by one conclusive signal and never above the worst signal. Low below 30%%, medium below 60%%, "
        "high from 60%%. A creator's risk is its riskiest vetted account's."
    ),
)
METHOD_EVIDENCE = define(
    "method.evidence",
    gettext_noop(
        "No verdict without evidence: a level needs a combined confidence of at least 35%% and two kinds of "
        "evidence (follower sample, follower history, posts, comments), or one decisive signal with its own "
        "confidence of at least 50%%; otherwise the level is “not enough evidence” and the figure is indicative."
    ),
)
METHOD_MATCH = define(
    "method.match",
    gettext_noop(
        "Match score (0–100): weighted mean of audience fit (%(audience)s), authenticity (%(authenticity)s), value "
        "alignment (%(value)s) and engagement quality (%(engagement)s) for the shortlist's brand; a part without "
        "data counts as neutral (50)."
    ),
    audience=NUM2,
    authenticity=NUM2,
    value=NUM2,
    engagement=NUM2,
)
METHOD_ESTIMATES = define(
    "method.estimates",
    gettext_noop(
        "Fees, reach, CPM and CPE are estimates from a published rate table (%(table)s, as of %(date)s), not "
        "quotes: %(disclaimer)s"
    ),
    table=TEXT,
    date=TEXT,
    disclaimer=TEXT,
)
METHOD_INTERVALS = define(
    "method.intervals",
    gettext_noop(
        "Shares of fake followers come with a 95%% interval (e.g. 5.4%%–17.5%%): the range the true share lies in, "
        "given the sample's size and the calibration's uncertainty."
    ),
)
METHOD_SOURCE = define("method.source", gettext_noop("%(name)s: %(source)s"), name=TEXT, source=TEXT)

# The bundled rate table's name and disclaimer (vetting/monitoring/data/rate_table.json), so pages
# and exports show them in the reader's language; a table of one's own is shown as it is written.
RATE_TABLE_AS_OF = define("estimate.rate_table", gettext_noop("%(name)s, as of %(date)s"), name=TRANSLATED, date=TEXT)
RATE_TABLE_ADJUSTED = define(
    "estimate.rate_table_adjusted",
    gettext_noop("%(name)s, as of %(date)s, ranges re-sized by %(n)s outcomes of your campaigns"),
    name=TRANSLATED,
    date=TEXT,
    n=INT,
)
RATE_TABLE_TEXTS = (
    gettext_noop("Vetted default influencer rate table"),
    gettext_noop(
        "Estimates from published industry price ranges, not quotes. Real prices depend on niche, format, "
        "usage rights, exclusivity and negotiation."
    ),
)
ER_FORMULA_SHORT = define(
    "engagement.formula_short",
    gettext_noop("(%(counts)s) / %(base)s"),
    counts=labels_of("er_count", "plus"),
    base=label_of("er_base_short"),
)
define_labels("er_base_short", {"followers": gettext_noop("followers"), "views": gettext_noop("views")})
CREATOR_RISK_LINE = define(
    "export.creator_risk",
    gettext_noop("Creator risk: %(level)s, set by %(account)s (the creator's riskiest vetted account)."),
    level=label_of("risk_level"),
    account=MESSAGE,
)
CREATOR_RISK_LINE_SCORE = define(
    "export.creator_risk_score",
    gettext_noop(
        "Creator risk: %(level)s (%(score)s/100), set by %(account)s (the creator's riskiest vetted account); "
        "confidence %(confidence)s."
    ),
    level=label_of("risk_level"),
    score=NUM0,
    account=MESSAGE,
    confidence=PCT0,
)
WITHOUT_VERDICT = define(
    "export.without_verdict",
    gettext_noop("Without a verdict of their own: %(accounts)s."),
    accounts=MESSAGE_LIST,
)

# --- errors people read next to a form field ------------------------------------------------------

BRAND_NEEDS_NAME = define("brand.needs_name", gettext_noop("a brand needs a name"))
BRAND_NAME_TAKEN = define("brand.name_taken", gettext_noop("your organisation already has a brand with this name"))
MIN_ABOVE_MAX = define("brand.min_above_max", gettext_noop("the minimum is above the maximum"))
FOLLOWER_BOUND = define("brand.follower_bound", gettext_noop("must be a whole number ≥ 0, or empty"))
TARGET_UNKNOWN_KEYS = define(
    "brand.target_unknown_keys",
    gettext_noop("%(keys)s: not in the catalogue's vocabulary (choose from %(allowed)s)"),
    keys=LIST,
    allowed=LIST,
)
TARGET_SHARES_TOTAL = define(
    "brand.target_shares_total",
    gettext_noop("the shares add up to %(total)s%%; they must add up to 100%%"),
    total=NUMG,  # in percent, as people type the shares
)
TARGET_SHARE_RANGE = define(
    "brand.target_share_range", gettext_noop("the share of %(key)s must be between 0 and 100%%"), key=TEXT
)
ON_MOOD_BOARD = define("brand.on_mood_board", gettext_noop("this image is already on the mood board"))
MOOD_BOARD_FULL = define("brand.mood_board_full", gettext_noop("a mood board holds at most %(n)s images"), n=INT)
NOTE_NEEDS_TEXT = define("note.needs_text", gettext_noop("a note needs some text"))
NO_SUCH_CREATOR = define("shortlist.no_creator", gettext_noop("no creator with id %(id)s"), id=INT)
NOT_OUR_BRAND = define("watch.not_our_brand", gettext_noop("is not a brand of this organisation"))
NOT_OUR_SHORTLIST = define("watch.not_our_shortlist", gettext_noop("is not a shortlist of this organisation"))
WATCH_NEEDS_TARGET = define("watch.needs_target", gettext_noop("name a shortlist or at least one creator to watch"))
WATCH_ONE_TARGET = define("watch.one_target", gettext_noop("watch either a shortlist or picked creators, not both"))
WATCH_NAME_TAKEN = define("watch.name_taken", gettext_noop("a watch named “%(name)s” exists already"), name=TEXT)
LONGER_THAN_WINDOW = define("rule.history_window", gettext_noop("must be longer than the window"))
WINDOW_LONGER_THAN_LOOKBACK = define(
    "rule.window_lookback", gettext_noop("must not be longer than the look-back period")
)

# --- audience overlap of a shortlist (page, PDF, XLSX) ------------------------------------------------

define_labels(
    "overlap_unknown",
    {
        "no account": gettext_noop("no account"),
        "no follower sample": gettext_noop("no follower sample"),
        "no follower count": gettext_noop("no follower count"),
    },
)
OVERLAP_PAIR = define(
    "overlap.pair",
    gettext_noop(
        "%(share)s of the smaller audience also follows the other on %(platform)s (95%% interval "
        "%(low)s–%(high)s; %(shared)s shared among %(n_a)s and %(n_b)s sampled followers)"
    ),
    share=PCT1,
    low=PCT1,
    high=PCT1,
    platform=label_of("platform"),
    shared=INT,
    n_a=INT,
    n_b=INT,
)
OVERLAP_TOO_SMALL = define(
    "overlap.too_small",
    gettext_noop(
        "The samples on %(platform)s are too small to see an overlap: anything from %(low)s to %(high)s of "
        "the smaller audience (%(n_a)s and %(n_b)s sampled followers)"
    ),
    platform=label_of("platform"),
    low=PCT1,
    high=PCT1,
    n_a=INT,
    n_b=INT,
)
OVERLAP_CONTRADICTION = define(
    "overlap.contradiction",
    gettext_noop(
        "The samples on %(platform)s share more followers (%(shared)s) than even identical audiences would "
        "explain: a follower count is out of date or a sample is not random; no estimate"
    ),
    platform=label_of("platform"),
    shared=INT,
)
OVERLAP_NO_COMMON_PLATFORM = define(
    "overlap.no_common_platform",
    gettext_noop("No platform in common: followers cannot be matched across platforms"),
)
OVERLAP_UNKNOWN = define(
    "overlap.unknown",
    gettext_noop("Unknown: %(name)s has %(reason)s"),
    name=TEXT,
    reason=label_of("overlap_unknown"),
)
UNIQUE_REACH = define(
    "overlap.unique_reach",
    gettext_noop(
        "Unique reach: %(estimate)s distinct followers (95%% interval %(low)s–%(high)s) of %(total)s "
        "followers counted once per account on %(accounts)s accounts"
    ),
    estimate=INT,
    low=INT,
    high=INT,
    total=INT,
    accounts=INT,
)
UNIQUE_REACH_NOT_COUNTED = define(
    "overlap.not_counted",
    gettext_noop("%(n)s followers of accounts without a follower sample are not counted"),
    n=INT,
)
UNIQUE_REACH_NONE = define(
    "overlap.no_reach",
    gettext_noop("Unique reach unknown: no creator on the list has a follower sample"),
)
OVERLAP_METHOD = define(
    "overlap.method",
    gettext_noop(
        "Overlap is the share of the smaller audience that also follows the other creator, estimated from "
        "follower samples matched by username within one platform, with a 95%% interval that widens when "
        "samples are small; unique reach counts each follower once (same platform only: a person on two "
        "platforms counts twice)."
    ),
)


# --- campaigns: results against predictions ------------------------------------------------------------

define_labels(
    "prediction_type",
    {
        "reach": gettext_noop("Reach"),
        "engagements": gettext_noop("Engagements"),
        "er": gettext_noop("Engagement rate"),
        "cost": gettext_noop("Cost"),
        "cpe": gettext_noop("Cost per engagement"),
        "cpm": gettext_noop("Cost per 1,000 reached"),
    },
)
define_labels(
    "prediction_source",
    {
        "shortlisted": gettext_noop("predicted when shortlisted"),
        "now": gettext_noop("recomputed from today's data (the entry predates kept estimates)"),
        "": gettext_noop("no prediction"),
    },
)
define_labels("reach_basis", {"reach": gettext_noop("reach"), "views": gettext_noop("views"), "": ""})
TRACK_RECORD_REACH = define(
    "campaign.track_record_reach",
    gettext_noop(
        "In your campaigns (%(n)s creators, %(campaigns)s campaigns) our reach estimates were off by a median of "
        "%(error)s (actual vs estimate: %(bias)s); the range that would have held 80%% of them: %(low)s–%(high)s"
    ),
    n=INT,
    campaigns=INT,
    error=PCT0,
    bias=SIGNED_PCT1,
    low=COMPACT,
    high=COMPACT,
)
TRACK_RECORD_COST = define(
    "campaign.track_record_cost",
    gettext_noop(
        "In your campaigns (%(n)s creators, %(campaigns)s campaigns) the fees paid differed from our estimates by "
        "a median of %(error)s (paid vs estimate: %(bias)s); the range that would have held 80%% of them: "
        "US$%(low)s–%(high)s"
    ),
    n=INT,
    campaigns=INT,
    error=PCT0,
    bias=SIGNED_PCT1,
    low=INT,
    high=INT,
)
CAMPAIGN_ERROR_LINE = define(
    "campaign.error_line",
    gettext_noop(
        "%(what)s: off by a median of %(error)s over %(n)s creators (actual vs prediction: %(bias)s); "
        "inside the predicted range for %(within)s"
    ),
    what=label_of("prediction_type"),
    error=PCT0,
    n=INT,
    bias=SIGNED_PCT1,
    within=PCT0,
)
CAMPAIGN_ERROR_POINT = define(
    "campaign.error_point",
    gettext_noop("%(what)s: off by a median of %(error)s over %(n)s creators (actual vs prediction: %(bias)s)"),
    what=label_of("prediction_type"),
    error=PCT0,
    n=INT,
    bias=SIGNED_PCT1,
)
CAMPAIGN_METHOD = define(
    "campaign.method",
    gettext_noop(
        "Actual figures are summed over each creator's campaign posts: reach from the creator's insights, else "
        "views; engagements are likes + comments (+ saves on Xiaohongshu); the engagement rate uses the "
        "platform's own formula. Predictions are those kept when the creator was shortlisted, times the number "
        "of posts. Error = actual / middle of the predicted range − 1."
    ),
)
