"""schv: the Flemish Parliament's written questions as a SQL database."""

__version__ = "0.1.0"
