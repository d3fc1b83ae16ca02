"""schemagate, the PostgreSQL migration linter, as a Python package.

The package installs the `schemagate` command (a static binary, not Python). `find_binary()`
returns its path; `python -m schemagate ARGS` runs it.
"""

import os
import sys
import sysconfig

__all__ = ["find_binary"]

_NAME = "schemagate.exe" if sys.platform == "win32" else "schemagate"


def find_binary() -> str:
    """The path of the schemagate binary that this package installed."""
    candidates = [os.path.join(sysconfig.get_path("scripts"), _NAME)]
    # pip install --user
    user_scheme = "nt_user" if os.name == "nt" else "posix_user"
    if user_scheme in sysconfig.get_scheme_names():
        candidates.append(os.path.join(sysconfig.get_path("scripts", user_scheme), _NAME))
    # pip install --target DIR (DIR/bin beside DIR/schemagate) and --prefix installs
    here = os.path.dirname(os.path.abspath(__file__))
    candidates.append(os.path.join(os.path.dirname(here), "bin", _NAME))
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise FileNotFoundError(
        "the schemagate binary of this package is not installed; looked at: "
        + ", ".join(candidates)
    )
