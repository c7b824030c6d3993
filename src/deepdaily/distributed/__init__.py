"""Distributed runs: the fan-out stages of a run as Dramatiq tasks over Redis.

``deepdaily run --distributed`` is the coordinator (:mod:`.coordinator`): it takes the run
lock, runs the fan-in stages (cluster, select, synthesise, render, store) itself as a plain run
does, and hands the fan-out stages to workers as one task per source (fetch, parse, extract,
store its documents) and one per chosen event (analyse). ``deepdaily worker`` (:mod:`.worker`)
consumes them. Tasks are acknowledged late (the Redis broker gives a dead worker's messages to
another after ``[distributed] heartbeat_timeout_s``) and their effects are idempotent: documents
are upserted by content hash and canonical URL, results are written over their own row of the
ledger (:mod:`.ledger`) keyed by (run, stage, key), and the fetch log is written once, by the
coordinator. Per-host fetch slots (``[fetch] per_host``) are leases in Redis (:mod:`.gate`),
held across every worker; the LLM token budget is one Redis counter per run (:mod:`.budget`).
Governed by ``[distributed]`` (:class:`deepdaily.config.distributed.DistributedSettings`).
Needs the ``distributed`` extra (dramatiq, redis).
"""
