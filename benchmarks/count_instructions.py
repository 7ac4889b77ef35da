"""Instructions per report of the whole text extract path, under valgrind (callgrind).

Time on a shared machine measures the neighbours as much as the code; an instruction count
does not. This counts the instructions of reading 380 distinct varied text reports (caches
kept, warm from 20 others: a batch's figure), once with and once without them, and prints
the difference per report:

    python benchmarks/count_instructions.py          # needs valgrind (apt install valgrind)

About a minute per run. Instructions are not time (a cache miss costs more than an add), so
use it to compare two versions of the code, not as a speed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

REPORTS, WARM = 380, 20


def run(folder: Path, passes: int) -> None:
    """What valgrind runs: the warm-up, then the measured reports ``passes`` (0 or 1) times."""
    from bench_extract import extract_all

    paths = sorted(folder.glob("*.txt"))
    extract_all(paths[:WARM], clear=False)  # imports, compiled patterns
    for _ in range(passes):
        extract_all(paths[WARM:], clear=False)


def count(folder: Path, passes: int) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, str(folder), str(passes)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main() -> None:
    if len(sys.argv) == 3:  # under valgrind
        run(Path(sys.argv[1]), int(sys.argv[2]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt install valgrind)")
    from bench_extract import write_text_variants

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_text_variants(folder, REPORTS + WARM)
        per_report = (count(folder, 1) - count(folder, 0)) / REPORTS
    print(f"{per_report:,.0f} instructions per report (whole extract path, {REPORTS} distinct reports, caches kept)")


if __name__ == "__main__":
    main()
