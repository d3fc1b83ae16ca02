"""python -m schemagate ARGS: runs the schemagate binary with ARGS."""

import os
import subprocess
import sys

from schemagate import find_binary


def main() -> None:
    try:
        binary = find_binary()
    except FileNotFoundError as error:
        print(f"schemagate: {error}", file=sys.stderr)
        sys.exit(2)
    if sys.platform == "win32":
        sys.exit(subprocess.call([binary, *sys.argv[1:]]))
    os.execv(binary, [binary, *sys.argv[1:]])


if __name__ == "__main__":
    main()
