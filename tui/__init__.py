"""postshelf: a terminal browser for large archives of posts with frontmatter."""

import os

# numpy's OpenBLAS starts a thread per core when numpy is imported, and they spin for a while:
# 0.12 s of CPU here, taken from `find` during `postshelf search` and from the other loader
# process during a cold read. postshelf does no linear algebra; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
