"""Where tests find the workplace's shared reference data (`../shared/data/`), never copied into the repo.

In order: $PALABRE_SHARED_DIR, the checkout's sibling `shared/`, the workplace's `/work/shared` (for a
checkout made elsewhere, as CI does). `tests/test_shared_data.py` fails when none holds the data, so a
missing folder can never silently skip the tests that read it.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    candidates = [os.environ.get("PALABRE_SHARED_DIR"), ROOT.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "data").is_dir():
            return Path(candidate)
    return ROOT.parent / "shared"


BENIN_DIR = shared_dir() / "data" / "benin"
PABULIB_DIR = shared_dir() / "data" / "pabulib"
