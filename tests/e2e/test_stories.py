"""Stories on the real broker, all services in one process (``wirewatch run``).

An English story and a machine-translated story of one event share a story id and their
canonical entities; a story about another event with the same actors (NATO, Ukraine) gets
its own id; the rule fires once per story, not once per article.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import Alert, NormalizedArticle, TaggedArticle, Translation
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.e2e.test_pipeline import receiver, rules_file  # noqa: F401 - the loopback webhook receiver fixture
from tests.support.kafka import collect, send
from tests.support.metrics import metric, wait_until

pytestmark = pytest.mark.e2e

ACTORS = {"Q7184", "Q212", "Q270"}  # NATO, Ukraine, Warsaw

WARSAW_EN = (
    "NATO allies meeting in Warsaw pledge winter fuel for Ukraine",
    "NATO foreign ministers meeting in Warsaw on Thursday pledged generators and winter fuel for Ukraine, "
    "whose power grid has been battered by months of Russian strikes.\n\n"
    "Poland's foreign minister, who hosted the talks, said allies would deliver the first convoys within weeks. "
    "\"Ukraine will not freeze this winter,\" Mark Rutte told reporters in Warsaw.",
)
WARSAW_MT = (
    "the allies of the otan reunited in varsovia promise fuel of winter to ukraine",
    "The ministers of Exterior of the OTAN reunited this Thursday in Varsovia promised generators and fuel of winter "
    "for Ukraine, whose electric network is punished by months of russian attacks.\n\n"
    "The foreign minister of Poland, host of the meeting, said that the allies will deliver the first convoys in weeks. "
    "\"Ukraine will not freeze this winter\", affirmed Mark Rutte in Varsovia.",
)
BRUSSELS_EN = (
    "NATO defence ministers in Brussels back Ukraine shell plan",
    "NATO defence ministers meeting in Brussels on Thursday backed a plan to pool orders of artillery shells "
    "for Ukraine and to build two new factories.\n\n"
    "Mark Rutte said the alliance's industry had to produce faster than Russia's.",
)


def normalized(article_id: str, title: str, body: str, *, translated: bool, now: datetime) -> NormalizedArticle:
    return NormalizedArticle(
        id=article_id, source="e2e-stories", url=f"https://news.example/{article_id}",
        published_at=now, fetched_at=now, language="es" if translated else "en", language_confidence=0.98,
        original_title=title, original_body=body, title=title, body=body,
        translation=Translation(engine="test", source_language="es") if translated else None,
    )


async def test_same_event_in_two_languages_is_one_story_and_alerts_once(broker, start_service, receiver, tmp_path: Path):  # noqa: F811
    worker = start_service(
        "run", "--broker", broker.bootstrap,
        WIREWATCH_ALERTER__RULES=str(rules_file(tmp_path)),
        TEST_WEBHOOK_URL=receiver.url, TEST_WEBHOOK_SECRET=receiver.secret,
    )
    now = datetime.now(timezone.utc)
    run = now.strftime("%H%M%S%f")
    articles = [
        normalized(f"stories-{run}-warsaw-en", *WARSAW_EN, translated=False, now=now),
        normalized(f"stories-{run}-warsaw-mt", *WARSAW_MT, translated=True, now=now),
        normalized(f"stories-{run}-brussels-en", *BRUSSELS_EN, translated=False, now=now),
    ]
    wait_http(worker.web_port, proc=worker)
    await send(broker.bootstrap, "articles.normalized", [(a.id.encode(), encode(a)) for a in articles])
    ids = {a.id.encode() for a in articles}

    def tagged_of(seen):
        return {m["key"]: TaggedArticle.model_validate(m["value"]) for m in seen["articles.tagged"] if m["key"] in ids}

    def alerts_of(seen, tagged):
        stories = {t.story_id for t in tagged.values()}
        return [a for a in (Alert.model_validate(m["value"]) for m in seen["alerts"]) if a.story_id in stories]

    # Each of the three articles matches the rule once; wait until the alerter has decided on all three (fired or
    # suppressed, by its own count), then until `alerts` shows every alert it says it wrote: nothing can come later.
    def decided() -> float:
        return sum(metric(worker.web_port, name, rule="nato-ukraine")
                   for name in ("wirewatch_alerts_fired_total", "wirewatch_alerts_suppressed_total"))

    await wait_until(lambda: decided() >= 3, 120, "three rule matches decided")
    written = metric(worker.web_port, "wirewatch_alerter_alerts_total", rule="nato-ukraine")
    seen = await collect(broker.bootstrap, ["articles.tagged", "alerts"], timeout_s=30,
                         until=lambda s: len(tagged_of(s)) == 3 and len(s["alerts"]) >= written)
    tagged = tagged_of(seen)
    english, translated, other = (tagged[a.id.encode()] for a in articles)

    assert english.story_id == translated.story_id
    assert other.story_id != english.story_id
    linked = [{e.canonical_id for e in t.entities if e.canonical_id} for t in (english, translated)]
    assert ACTORS <= linked[0] and ACTORS <= linked[1], linked
    assert {"Q7184", "Q212"} <= {e.canonical_id for e in other.entities}
    assert any(q.speaker_name == "Mark Rutte" for q in english.quotes), english.quotes

    assert decided() == 3
    assert metric(worker.web_port, "wirewatch_alerts_suppressed_total", rule="nato-ukraine") == 1  # Warsaw's second article
    alerts = alerts_of(seen, tagged)
    per_story = {story: [a for a in alerts if a.story_id == story] for story in (english.story_id, other.story_id)}
    assert len(per_story[english.story_id]) == 1, per_story
    assert len(per_story[other.story_id]) == 1, per_story
    assert worker.alive()
