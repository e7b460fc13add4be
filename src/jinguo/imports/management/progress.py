"""A text progress bar for the `import` and `export` commands."""

from __future__ import annotations

import sys
from collections.abc import Callable


def progress_bar(label: str) -> Callable[[int, int], None]:
    """Draw `label [#####.....] done/total` on standard error, redrawn in place."""

    def draw(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return draw
