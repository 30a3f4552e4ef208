"""The bundled demo portal farm: realistic, deterministic Chinese county government sites on
127.0.0.1 with planted problems and an answer key. Used by ``auditcli demo`` and the tests.

    from auditcli.demo import DemoFarm
    with DemoFarm(as_of=date(2026, 11, 20)) as farm:
        farm.sites_file, farm.urls, farm.root, farm.answer_key

Everything is generated in Python relative to ``as_of``; no package data files.
"""

from .farm import DemoFarm, FarmBuild, build_farm, default_base_urls
from .model import PageSpec

__all__ = ["DemoFarm", "FarmBuild", "PageSpec", "build_farm", "default_base_urls"]
