"""The local replica of the Flemish Parliament's web services, for tests and benchmarks.

    with Replica() as replica:          # the curated data set (dataset.json)
        crawl(search_api_url=replica.base_url + "/api/search", ...)
"""

from tests.replica.data import Dataset, Document, Question, generate_dataset, load_dataset
from tests.replica.server import HIT_CAP_ERROR, KINDS, LoggedRequest, Replica

__all__ = [
    "HIT_CAP_ERROR",
    "KINDS",
    "Dataset",
    "Document",
    "LoggedRequest",
    "Question",
    "Replica",
    "generate_dataset",
    "load_dataset",
]
