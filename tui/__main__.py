import sys

from .cli import main

if __name__ == "__main__":  # worker processes (spawn) import this module: they must not run main
    sys.exit(main())
