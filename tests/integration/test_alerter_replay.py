"""`wirewatch alerts replay` end to end: an endpoint down during delivery, its dead letters, and the re-send once it is back."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import datetime, timezone

import pytest

from services.runtime.codec import encode
from tests.conftest import ROOT, service_env
from tests.integration.test_alerter_worker import FAST, SECRET, Receiver, article
from tests.support.kafka import collect, send

pytestmark = pytest.mark.integration


async def replay(broker: str, rules, *args: str) -> tuple[int, str, str]:
    env = service_env()
    env.update(WIREWATCH_ALERTER__DELIVERY_BACKOFF_S="0.1", WIREWATCH_ALERTER__DELIVERY_ATTEMPTS="3")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", "alerts", "replay", "--broker", broker, "--rules", str(rules), *args,
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode, out.decode(), err.decode()


async def test_replay_resends_dead_lettered_alerts_once_with_their_ids(broker, start_service, tmp_path) -> None:
    receiver = await Receiver(status=503, fail=10**6).start()  # down: every attempt fails until it comes back
    # Topics and the consumer group are shared by the session's tests: our own endpoint and source.
    name = f"desk-{os.urandom(3).hex()}"
    try:
        rules = tmp_path / "rules.yaml"
        rules.write_text(f"webhooks:\n  {name}:\n    url: {receiver.url}\n    secret: {SECRET}\n"
                         f"rules:\n  - id: nato\n    query: entity:Q7184 AND source:{name}\n    webhooks: [{name}]\n"
                         # A rule whose entity warning has nothing to do with replay: replay does not print it.
                         f"  - id: typo\n    query: entity:Ukriane AND source:{name}\n    webhooks: [{name}]\n")
        worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(rules),
                               **dict(FAST, WIREWATCH_ALERTER__DELIVERY_ATTEMPTS="2"))

        async def dead_letters(stories: list[str], total: int) -> None:
            """Alerts for ``stories``; back once alerts.dlq holds ``total`` failed deliveries to our endpoint."""
            await send(broker.bootstrap, "articles.tagged",
                       [(f"r/{s}".encode(), encode(article(i, s).model_copy(update={"source": name})))
                        for i, s in enumerate(stories)])
            await collect(broker.bootstrap, ["alerts.dlq"], timeout_s=120, until=lambda seen: len(
                [m for m in seen["alerts.dlq"] if m["key"] == name.encode()]) >= total)

        first = [f"st-{os.urandom(4).hex()}" for _ in range(2)]
        await dead_letters(first, 2)
        # Now, to the microsecond: after every failure so far (each is dead-lettered before it is collected), before
        # every later one; with its fraction, as a failure's time has one.
        now = datetime.now(timezone.utc)
        now = now.replace(microsecond=now.microsecond or 1)
        since = f"{now:%Y-%m-%dT%H:%M:%S.%f}".rstrip("0")
        second = [f"st-{os.urandom(4).hex()}" for _ in range(1)]
        await dead_letters(second, 3)
        worker.stop()
        failed_ids = set(receiver.attempts)
        assert len(failed_ids) == 3 and not receiver.delivered, worker.log()[-2000:]

        # --dry-run sends nothing; --since keeps only the later failure.
        before = receiver.requests
        code, out, err = await replay(broker.bootstrap, rules, "--endpoint", name, "--dry-run", "--since", f"{since}Z")
        assert code == 0, err
        assert out.count("would re-send") == 1, (out, err)
        assert (f"1 of 3 dead-lettered deliveries since {since} (dry run): 1 would be re-sent; 2 earlier (use an earlier "
                f"--since)") in err, err
        assert "Ukriane" not in err
        code, out, err = await replay(broker.bootstrap, rules, "--endpoint", name, "--dry-run")
        assert code == 0 and out.count("would re-send") == 3, (out, err)
        assert sorted(line.split()[2] for line in out.splitlines()) == sorted(failed_ids)
        # A --since after every failure says what it left out, and that it is in the future.
        code, out, err = await replay(broker.bootstrap, rules, "--endpoint", name, "--dry-run", "--since", "2099-01-01")
        assert code == 0 and out == "", (out, err)
        assert "--since 2099-01-01T00:00:00 (UTC) is in the future" in err
        assert ("0 of 3 dead-lettered deliveries since 2099-01-01T00:00:00 (dry run): 0 would be re-sent; "
                "3 earlier (use an earlier --since)") in err, err
        assert receiver.requests == before
        # A rules file without the endpoint: every delivery is skipped, and said so, not counted as not delivered.
        elsewhere = tmp_path / "elsewhere.yaml"
        elsewhere.write_text("rules:\n  - {id: nato, when: {entity: Q7184}}\n")
        code, out, err = await replay(broker.bootstrap, elsewhere, "--since", since)
        skipped = re.search(r"(\d+) (?:of \d+ )?dead-lettered deliver(?:y|ies)(?: since \S+)?: "
                            r"0 delivered, 0 not delivered, (\d+) skipped "
                            r"\(endpoint not in the rules file\)", err)
        assert code == 1 and skipped and skipped[1] == skipped[2] and int(skipped[1]) >= 1, (out, err)
        assert receiver.requests == before

        # The receiver answers 410 Gone: replay says what happened, and does not claim to disable anything.
        receiver.status = 410
        code, out, err = await replay(broker.bootstrap, rules, "--endpoint", name, "--since", since)
        assert code == 1, (out, err)
        assert f"1 of 3 dead-lettered deliveries since {since}: 0 delivered, 1 not delivered; 2 earlier" in err, err
        [line] = out.splitlines()
        assert line.startswith("failed ") and "HTTP 410 Gone" in line and "replay disables nothing" in line
        assert "disabled" not in line

        receiver.failing = False  # the endpoint is back
        code, out, err = await replay(broker.bootstrap, rules, "--endpoint", name)
        assert code == 0, (out, err)
        assert sorted(receiver.delivered) == sorted(failed_ids)  # each webhook-id once, the ids it failed with
        assert out.count("delivered ") == 3 and "3 dead-lettered deliveries: 3 delivered, 0 not delivered" in err
    finally:
        await receiver.stop()
