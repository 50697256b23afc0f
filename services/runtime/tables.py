"""Tables that outlive a broker that lost their changelogs.

The embedded broker keeps nothing across its own restart, a table's changelog included, while a running worker
still holds its tables in memory and, in Faust's recovery, the offset it read each changelog up to. At the next
rebalance Faust finds that offset past the changelog's end and stops the worker (``ConsistencyError: The persisted
offset for changelog topic partition … is higher than the last offset in that topic``); and a worker that only wrote
its changelog would not crash but leave it empty, so a worker started later would restore no row. Here the recovery
takes a changelog for one the broker lost (``changelog_lost``) when it ends before what this worker read or wrote
there, or after the worker saw the broker lose its messages (:meth:`WirewatchTableManager.changelogs_lost`, from the
lag timer's ``broker_reset`` and from a changelog topic the producer had to create again): it reads the new changelog
from its start and writes the table's rows of that partition into it again, so the table (the one copy left) is
kept, and a worker started later restores it from the new changelog.

With the RocksDB store (``WIREWATCH_TABLE_STORE``, the default) the rows and the offset they were read up to are on
disk, so a worker that was down while the broker restarted comes back with them: Faust (issue #158) would stop on
that offset past the new changelog's end; here the same recovery writes the rows from disk into the new changelog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import faust
from faust.stores.rocksdb import Store as RocksDBStore
from faust.tables import TableManager
from faust.tables.recovery import Recovery
from yarl import URL

from services.runtime.logs import get_logger

__all__ = ["ClosingRocksDBStore", "WirewatchTable", "WirewatchTableManager", "lost_changelogs"]

log = get_logger("wirewatch.tables")


def lost_changelogs(known: Mapping[Any, int | None], ends: Mapping[Any, int | None], tps: Iterable[Any]) -> list[Any]:
    """The changelog partitions whose ``known`` offset (the last one this worker read or had acknowledged there; -1
    or None for none) is at or past their ``ends`` (the next offset the broker will write; None when it does not know
    the partition): the broker lost it."""
    lost = []
    for tp in tps:
        offset = known.get(tp)
        if offset is not None and offset >= 0 and offset >= (ends.get(tp) or 0):
            lost.append(tp)
    return sorted(lost, key=lambda tp: (tp.topic, tp.partition))


class ClosingRocksDBStore(RocksDBStore):
    """Faust's RocksDB store, closing a partition's database when the partition leaves this worker. Faust only drops
    it and leaves closing to the garbage collector; while the object lives, its file stays locked, and this worker
    could not open it again when the partition comes back."""

    def revoke_partitions(self, table: Any, tps: set) -> None:
        for tp in tps:
            if tp.topic in table.changelog_topic.topics and (db := self._dbs.pop(tp.partition, None)) is not None:
                db.close()

    async def stop(self) -> None:
        for db in self._dbs.values():
            db.close()
        await super().stop()


class WirewatchTable(faust.Table):
    """A Faust table that remembers which changelog partition each key was written to, to write it there again."""

    _partition_of: dict | None = None
    _written: dict | None = None

    @property
    def partition_of(self) -> dict:
        """Key → the changelog partition this worker last wrote it to (keys read from the changelog: the store knows)."""
        if self._partition_of is None:
            self._partition_of = {}
        return self._partition_of

    @property
    def written(self) -> dict:
        """Changelog partition → the highest offset the broker acknowledged for this worker's writes there."""
        if self._written is None:
            self._written = {}
        return self._written

    def _on_changelog_sent(self, fut: Any) -> None:
        super()._on_changelog_sent(fut)
        sent = fut.result()
        partition = sent.topic_partition.partition
        self.written[partition] = max(self.written.get(partition, -1), sent.offset)

    def on_key_set(self, key: Any, value: Any) -> None:
        super().on_key_set(key, value)
        self.partition_of[key] = self.partition_for_key(key)

    def on_key_del(self, key: Any) -> None:
        super().on_key_del(key)
        self.partition_of.pop(key, None)

    def _new_store_by_url(self, url: Any) -> Any:
        if URL(str(url)).scheme != "rocksdb":
            return super()._new_store_by_url(url)
        return ClosingRocksDBStore(url, self.app, self, table_name=self.name, key_type=self.key_type,
                                   key_serializer=self.key_serializer, value_serializer=self.value_serializer,
                                   value_type=self.value_type, loop=self.loop, options=self.options)

    def rows_of(self, partition: int) -> list[tuple[Any, Any]]:
        """The table's rows whose changelog partition is ``partition``."""
        store = self.data
        if isinstance(store, RocksDBStore):  # one database file per partition, read back from disk after a restart
            db = store._db_for_partition(partition)
            return [(store._decode_key(key), store._decode_value(value)) for key, value in store._visible_items(db)]
        restored = getattr(store, "_key_partition", {})  # the memory store's record of what it read from the changelog
        return [(key, value) for key, value in list(self.data.items())
                if self.partition_of.get(key, restored.get(key)) == partition]

    def rewrite_changelog(self, partition: int) -> int:
        """Write this partition's rows into the changelog again; the number written."""
        rows = self.rows_of(partition)
        self.written.pop(partition, None)  # what was acknowledged there is gone
        for key, value in rows:
            self.send_changelog(partition, key, value)
        return len(rows)


class _Recovery(Recovery):
    async def _build_offsets(self, consumer: Any, tps: set, destination: Any, title: str) -> None:
        await super()._build_offsets(consumer, tps, destination, title)
        if not tps:
            return
        ends = await consumer.highwaters(*tps)
        known = {tp: max(destination.get(tp) if destination.get(tp) is not None else -1, self._written(tp)) for tp in tps}
        lost = set(lost_changelogs(known, ends, tps))
        if title == "active" and self.tables.lost:
            lost |= set(tps)  # the broker lost its messages since the last recovery: every changelog with them
            self.tables.lost = False
        if not lost:
            return
        said, rewritten = {}, {}
        for tp in sorted(lost):
            destination[tp] = -1  # read the new changelog from its start
            table = self.tp_to_table.get(tp)
            rows = table.rewrite_changelog(tp.partition) if title == "active" and isinstance(table, WirewatchTable) else 0
            if known[tp] >= 0 or rows:  # partitions that held nothing go unsaid
                name = f"{tp.topic}[{tp.partition}]"
                said[name], rewritten[name] = {"known_up_to": known[tp], "end": ends.get(tp)}, rows
        if said:
            log.error("changelog_lost", kind=title, partitions=said, rows_written_again=rewritten,
                      meaning="the broker lost these table changelogs (an embedded broker restarted?): each table keeps "
                              "what it holds, writes it into the new changelog, and reads that from its start")

    def _written(self, tp: Any) -> int:
        table = self.tp_to_table.get(tp)
        return table.written.get(tp.partition, -1) if isinstance(table, WirewatchTable) else -1


class WirewatchTableManager(TableManager):
    """Faust's table manager, with the recovery above."""

    lost: bool = False  # set by changelogs_lost(), read by the next recovery

    def changelogs_lost(self) -> None:
        """The broker lost its messages: at the next recovery, write every table's rows into its new changelog."""
        self.lost = True

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = _Recovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery
