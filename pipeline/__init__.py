"""Document bytes to records: pure functions, no network, no database, no Scrapy."""

from pipeline.dates import parse_dutch_date
from pipeline.document import PARSER_VERSION, parse_document
from pipeline.header import parse_header
from pipeline.media import sniff_media_type
from pipeline.sections import Sections, split_sections

__all__ = [
    "PARSER_VERSION",
    "Sections",
    "parse_document",
    "parse_dutch_date",
    "parse_header",
    "sniff_media_type",
    "split_sections",
]
