"""`make cost`: write docs/cost.md from the model (``--check``: fail when the file differs)."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import sys
from collections.abc import Sequence

from infra.cost import report
from infra.cost.observed import observe


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with docs/cost.md instead of writing it")
    options = parser.parse_args(arguments)
    with contextlib.redirect_stdout(io.StringIO()):  # the handler's metrics and logs, not wanted here
        observed = observe()
    text = report.render(observed, report.load_run())
    if options.check:
        current = report.REPORT.read_text(encoding="utf-8") if report.REPORT.exists() else ""
        if current != text:
            print(f"{report.REPORT} is not what `make cost` makes; run it.", file=sys.stderr)
            diff = difflib.unified_diff(current.splitlines(), text.splitlines(), "docs/cost.md", "made", lineterm="")
            print("\n".join(list(diff)[:40]), file=sys.stderr)
            return 1
        return 0
    report.REPORT.write_text(text, encoding="utf-8")
    print(f"wrote {report.REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
