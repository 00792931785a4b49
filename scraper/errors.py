"""Errors that stop a crawl because the source is not what we were built for."""


class SourceChanged(RuntimeError):
    """The parliament's service answered in a shape we do not know.

    We stop rather than store nothing and report "0 new questions": the message says what
    we expected and what came instead, so the code can be adapted.
    """
