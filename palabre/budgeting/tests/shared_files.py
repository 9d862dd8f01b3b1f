"""Where the tests find the real pabulib files (never copied into the repo)."""

import pytest

from tests.shared_data import PABULIB_DIR

PABULIB_FILES = sorted(PABULIB_DIR.glob("*.pb"))

requires_shared_files = pytest.mark.skipif(not PABULIB_FILES, reason=f"no pabulib files in {PABULIB_DIR}")
