"""The parser's accuracy corpus: documents built from the real texts in tests/samples,
rendered by four producers, each with the fields the parser must find."""
