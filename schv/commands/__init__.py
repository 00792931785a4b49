"""One module per `schv` command. Each defines `ORDER` (its place in `--help`) and
`register(subparsers)`, which adds its parser and sets `func(args, settings) -> int`.
The CLI finds them here, so a new command is a new module and nothing else."""
