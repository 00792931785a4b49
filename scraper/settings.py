"""Scrapy settings derived from our configuration: the one place where politeness and
downloader behaviour are decided, explicitly rather than by Scrapy's defaults."""

from __future__ import annotations

from typing import Any

from config import Settings


def scrapy_settings(settings: Settings, *, log_level: str = "WARNING") -> dict[str, Any]:
    polite = settings.politeness
    return {
        "BOT_NAME": "schv",
        "USER_AGENT": polite.user_agent,
        "ROBOTSTXT_OBEY": polite.obey_robots_txt,
        "ROBOTSTXT_USER_AGENT": polite.user_agent,
        "CONCURRENT_REQUESTS": 4 * polite.concurrent_requests_per_host,
        "CONCURRENT_REQUESTS_PER_DOMAIN": polite.concurrent_requests_per_host,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": polite.download_delay,
        "AUTOTHROTTLE_ENABLED": polite.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(polite.download_delay, 0.5),
        "AUTOTHROTTLE_MAX_DELAY": polite.autothrottle_max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": polite.autothrottle_target_concurrency,
        "DOWNLOAD_TIMEOUT": polite.request_timeout,
        "DOWNLOAD_MAXSIZE": settings.crawl.max_document_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": polite.retry_times,
        "RETRY_HTTP_CODES": list(polite.retry_http_codes),
        "SCHV_RETRY_BACKOFF_BASE": polite.retry_backoff_base,
        "SCHV_RETRY_BACKOFF_MAX": polite.retry_backoff_max,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "scraper.middlewares.BackoffRetryMiddleware": 550,
        },
        "ITEM_PIPELINES": {"scraper.pipelines.StoragePipeline": 300},
        "EXTENSIONS": {
            # No listening ports in a crawler that runs unattended.
            "scrapy.extensions.telnet.TelnetConsole": None,
            "scrapy.extensions.remote_control.RemoteControl": None,
            "scraper.progress.Progress": 500,
        },
        "COOKIES_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "REDIRECT_MAX_TIMES": 5,
        "DEFAULT_REQUEST_HEADERS": {"Accept-Language": "nl"},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # The crawl runner installs its own log handler (one line per record).
        "LOG_ENABLED": False,
        "LOG_LEVEL": log_level,
        "STATS_DUMP": False,
        "SCHV_SETTINGS": settings,
    }
