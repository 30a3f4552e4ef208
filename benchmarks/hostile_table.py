"""Audit the hostile-site farm and print (or write into README.md) the table: case, outcome, seconds.

    python benchmarks/hostile_table.py            # print the table
    python benchmarks/hostile_table.py --readme   # replace the table between the README markers
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditcli.demo.hostile import HostileFarm, judge, markdown_table  # noqa: E402
from auditcli.stores.pagestore import PageStore  # noqa: E402
from tests.test_hostile import HOSTILE_FLAGS, SITE_BUDGET, TIMEOUT  # noqa: E402

BEGIN, END = "<!-- hostile-table:begin -->", "<!-- hostile-table:end -->"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, HostileFarm(timeout=TIMEOUT, site_budget=SITE_BUDGET) as farm:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "auditcli", "audit", str(farm.sites_file), "--out", tmp,
                               *HOSTILE_FLAGS], cwd=ROOT, capture_output=True, text=True, timeout=120)
        seconds = time.monotonic() - started
        results = json.loads((Path(tmp) / "results.json").read_text("utf-8"))
        store = PageStore.open_existing(Path(tmp) / "crawl")
        outcomes = judge(farm, results, store)
        store.close()
    table = markdown_table(outcomes)
    summary = (f"{len(outcomes)} cases, {sum(o.ok for o in outcomes)} as expected, fleet audit of "
               f"{len(results['sites'])} sites in {seconds:.1f} s (exit {done.returncode}; `--timeout {TIMEOUT:g}`, "
               f"`--site-budget {SITE_BUDGET:g}`, `--max-retry-after 5`)")
    print(table)
    print()
    print(summary)
    if "--readme" in sys.argv:
        readme = ROOT / "README.md"
        text = readme.read_text("utf-8")
        block = f"{BEGIN}\n{table}\n\n{summary}\n{END}"
        text, n = re.subn(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
        if n != 1:
            print("README.md has no hostile-table markers", file=sys.stderr)
            return 1
        readme.write_text(text, "utf-8")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
