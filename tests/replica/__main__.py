"""Serve the replica in the foreground: `python -m tests.replica [--port P] [--size N]`."""

from __future__ import annotations

import argparse
import threading
import time

from tests.replica.data import generate_dataset, load_dataset
from tests.replica.server import Replica


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--size", type=int, default=None,
                        help="serve N synthetic questions instead of the curated data set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-theme-filter", action="store_true",
                        help="ignore thema: in requiredfields, as the real API might")
    parser.add_argument("--hit-cap", type=int, default=10000)
    args = parser.parse_args()
    dataset = generate_dataset(args.size, args.seed) if args.size else load_dataset()
    replica = Replica(dataset, hit_cap=args.hit_cap,
                      server_side_theme_filter=not args.no_theme_filter)
    url = replica.start(args.port)
    print(url, flush=True)
    # Render in the background so a benchmark does not time PDF generation.
    threading.Thread(target=replica.warm, daemon=True).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        replica.stop()


if __name__ == "__main__":
    main()
