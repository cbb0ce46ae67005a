"""The vision jobs' log lines as message templates (core.messages); English here, Chinese in the
catalogue (frontend/locale/zh_Hans)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from core.messages import INT, define, define_labels, label_of

define_labels(
    "index_action",
    {
        "empty": gettext_noop("empty"),
        "unchanged": gettext_noop("unchanged"),
        "updated": gettext_noop("updated"),
        "rebuilt": gettext_noop("rebuilt"),
    },
)
BATCHES_QUEUED = define(
    "embed.batches_queued",
    gettext_noop("%(batches)s batches of at most %(size)s images, %(sent)s batch jobs queued"),
    batches=INT,
    size=INT,
    sent=INT,
)
EMBEDDED_HERE_LEFT = define(
    "embed.embedded_here_left",
    gettext_noop("embedded %(n)s images here; %(left)s batches left to their batch jobs"),
    n=INT,
    left=INT,
)
EMBEDDED_TOTAL = define(
    "embed.embedded_total",
    gettext_noop("embedded %(n)s images (%(here)s here); index %(action)s"),
    n=INT,
    here=INT,
    action=label_of("index_action"),
)
BATCH_FINISHED = define(
    "embed.batch_finished",
    gettext_noop("images %(first)s–%(last)s: already finished, nothing to do"),
    first=INT,
    last=INT,
)
BATCH_HELD = define(
    "embed.batch_held",
    gettext_noop("images %(first)s–%(last)s: held by job %(job)s, nothing to do"),
    first=INT,
    last=INT,
    job=INT,
)
BATCH_EMBEDDED = define(
    "embed.batch_embedded",
    gettext_noop("images %(first)s–%(last)s: embedded %(n)s images"),
    first=INT,
    last=INT,
    n=INT,
)
LAST_BATCH = define(
    "embed.last_batch",
    gettext_noop("last batch of job %(job)s: index %(action)s"),
    job=INT,
    action=label_of("index_action"),
)
EMBEDDED_INDEX = define(
    "embed.embedded_index",
    gettext_noop("embedded %(n)s images; index %(action)s"),
    n=INT,
    action=label_of("index_action"),
)
INDEX_DONE = define(
    "index.done",
    gettext_noop("index %(action)s: %(vectors)s vectors"),
    action=label_of("index_action"),
    vectors=INT,
)
INDEX_SHARD_DONE = define(
    "index.shard_done",
    gettext_noop("index %(action)s (shard %(shard)s of %(shards)s): %(vectors)s vectors"),
    action=label_of("index_action"),
    shard=INT,
    shards=INT,
    vectors=INT,
)
