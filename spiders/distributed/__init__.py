"""The distributed crawl on scrapy-redis: any number of workers share one frontier, one dupefilter and
global politeness through one Redis server; a coordinator seeds the job and gathers what they fetch.

Keys of a job live under ``auditcli:<job>:``:

- ``queue`` (sorted set, by priority) of request ids; ``requests``/``scores``/``sites`` (hashes) their
  serialised Scrapy request, priority and site. The scheduler is scrapy-redis's, with a reliable queue:
  a pop moves the id into ``leases`` (sorted set, by deadline) owned by the worker (``owners``), and
  the worker renews its leases while it works on them. A lease that runs out (the worker died, or its
  machine did) puts the request back into ``queue``: nothing in flight is lost.
- ``seen:<site>`` (set): the dupefilter, per site (two sites may fetch one URL, e.g. their host's home
  page); ``budget:<site>`` (hash) the --max-pages counters; ``index:<site>`` and ``aliases:<site>``
  the rest of the spider's per-site state. ``done`` (set): request ids answered.
- ``items`` (list): what workers fetched (pages, links, skipped URLs), for the coordinator to write
  into the one page store. Redis only holds what the coordinator has not drained yet.
- ``inflight`` (hash): requests queued or leased per site; a site is crawled when its count is 0.

Exactly once: everything a response leads to (its items, the URLs it claims, the requests it
queues, the --max-pages budget it spends) is applied in one Lua script together with the
acknowledgement of its lease, and only by the lease's owner. A worker killed before that leaves no
trace; its request is fetched again by another worker.

Politeness across workers: a Redis slot per host:port and per IP address (sorted sets of holders
with an expiry, so a dead worker's slots free themselves) and the minimum interval between two
requests to one host (--delay) are taken in one script before each download. robots.txt is fetched
once per host for the job (the first worker that needs it; the others read Redis's copy) and obeyed
by every worker.

The package, one module per job: ``jobstate`` (the keys, the Lua scripts, ``Job``), ``codec`` (requests
and items as Redis holds them), ``spider`` (the portal spider as a worker, its per-site state shared),
``scheduler`` (the leased queue under scrapy-redis's scheduler), ``pipeline`` (a response's effects
committed with its lease), ``middlewares`` (shared robots.txt, global politeness), ``worker`` and
``coordinator`` (the two entry points, re-exported here). Importing it pulls in redis: callers outside
import it lazily, only for a distributed crawl.
"""

from spiders.distributed.coordinator import coordinate
from spiders.distributed.worker import run_worker

__all__ = ["coordinate", "run_worker"]
