"""Progress on stderr while a crawl runs: one line every few seconds, overwritten in
place on a terminal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy import signals
from twisted.internet import task

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

INTERVAL = 2.0


class Progress:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.loop: task.LoopingCall | None = None
        self.tty = sys.stderr.isatty()
        self.enabled = crawler.settings.getbool("SCHV_PROGRESS", True)
        self.last = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        stats = self.crawler.stats
        get = (lambda k: stats.get_value(k, 0)) if stats else (lambda k: 0)
        return (
            f"requests {get('downloader/request_count')} · discovered {get('schv/discovered')}"
            f" · new {get('schv/new')} · updated {get('schv/updated')}"
            f" · unchanged {get('schv/unchanged')} · documents {get('schv/documents_fetched')}"
            f" · failed {get('schv/failed') + get('schv/documents_failed')}"
        )

    def show(self) -> None:
        line = self.line()
        if line == self.last:
            return
        self.last = line
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def opened(self) -> None:
        if self.enabled:
            self.loop = task.LoopingCall(self.show)
            self.loop.start(INTERVAL, now=False)

    def closed(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        if not self.enabled:
            return
        if self.tty:
            if self.last:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
        else:
            # A log file gets the final counts even when the run took under one interval.
            self.show()
