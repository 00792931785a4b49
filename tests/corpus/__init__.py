"""The parser's accuracy corpus: documents built from the real texts in shared/samples,
rendered in two layouts, each with the fields the parser must find."""
