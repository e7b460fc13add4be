"""A text progress bar for the `import` and `export` commands."""

from __future__ import annotations

import sys
from collections.abc import Callable


def progress_bar(label: str) -> Callable[[int, int], None]:
    """Draw `label [#####.....] done/total` on standard error, redrawn in place."""

    last: tuple[int, int] | None = None

    def draw(done: int, total: int) -> None:
        nonlocal last
        if (done, total) == last:
            return  # told twice (the last chunk, then the end): drawn once, ended once
        last = (done, total)
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return draw
