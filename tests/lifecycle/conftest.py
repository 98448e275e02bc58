"""Make this folder's helper modules importable under unique names.

Test folders here have no __init__.py, so a bare `import reference` could collide with another
folder's module of the same name; register ours as `ecr_lifecycle_reference` and
`ecr_lifecycle_support` instead.
"""

import importlib.util
import sys
from pathlib import Path

for _name in ("reference", "support"):
    _full = f"ecr_lifecycle_{_name}"
    if _full not in sys.modules:
        _spec = importlib.util.spec_from_file_location(_full, Path(__file__).with_name(f"{_name}.py"))
        _module = importlib.util.module_from_spec(_spec)
        sys.modules[_full] = _module
        _spec.loader.exec_module(_module)
