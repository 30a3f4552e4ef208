"""Item pipeline writing the spider's items into the page store as they arrive (nothing kept in RAM)."""

from __future__ import annotations

from typing import Any

from auditcli.stores.pagestore import Link, PageStore, StoredPage


class PageStorePipeline:
    def __init__(self, store_path: str, progress, site_done=None):
        self.store_path = store_path
        self.progress = progress
        self.site_done = site_done
        self.store: PageStore | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.get("AUDITCLI_STORE"), settings.get("AUDITCLI_PROGRESS"), settings.get("AUDITCLI_SITE_DONE"))

    def open_spider(self, spider=None) -> None:
        self.store = PageStore(self.store_path)

    def close_spider(self, spider=None) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: dict[str, Any], spider=None) -> dict[str, Any]:
        store_item(self.store, item, self.progress)
        if item["type"] == "site_done":  # everything of the site is in the store: committed before anyone reads it
            if item.get("clock"):  # how long its crawl took, against --site-budget
                self.store.set_meta(f"site_clock:{item['site_id']}", item["clock"])
            self.store.commit()
            if self.site_done:
                self.site_done(item["site_id"])
        return {"type": item["type"]}


def store_item(store: PageStore, item: dict[str, Any], progress=None) -> None:
    """Write one of the spider's items into the page store (the distributed coordinator writes them too)."""
    kind = item["type"]
    if kind == "page":
        fields = {k: v for k, v in item.items() if k not in ("type", "judgement")}
        store.add_page(StoredPage(**fields))
        if item.get("judgement") is not None:  # a page unchanged since the previous audit (spiders.revalidate)
            store.keep_judgements(item["site_id"], [(item["url"], item["judgement"])])
        if progress:
            progress(item["site_id"], item["final_url"], item["status"])
    elif kind == "links":
        store.add_links(item["site_id"], [Link(**link) for link in item["links"]])
    elif kind == "site":  # the site's scope grew (its start page redirected to another host)
        store.register_site(item["site_id"], item["config"])
    elif kind == "not_scanned":
        store.add_not_scanned(item["site_id"], item["url"], item["reason"], item["detail"],
                              item["referrer"], fetched=item["fetched"])
