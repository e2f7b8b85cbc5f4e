"""The returns' Dagster partitions: one per LA (unit) and census year, plus ``unknown`` on each dimension.

The keys come from ``pipeline.routing`` (which reads a file's LA and year); this module only makes them
Dagster partitions.
"""

from __future__ import annotations

from dagster import MultiPartitionKey, MultiPartitionsDefinition, StaticPartitionsDefinition

from pipeline.routing import FIRST_YEAR, LAST_YEAR, UNKNOWN, Routing
from reference.geography import la_units

returns_partitions = MultiPartitionsDefinition({
    "la": StaticPartitionsDefinition(sorted(set(la_units().values())) + [UNKNOWN]),
    "year": StaticPartitionsDefinition([str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)] + [UNKNOWN]),
})


def partition_key(routing: Routing) -> MultiPartitionKey:
    """The partition of a routed return."""
    return MultiPartitionKey({"la": routing.la, "year": routing.year})
