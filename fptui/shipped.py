"""Where the shipped schemas are: a wheel carries the repository's top-level `schemas/`
as `fptui/_schemas` (pyproject.toml maps it in); a checkout, or its editable install,
has only the top-level folder beside the package.

A helper of its own so that the schema loader and pinyin.py (which reads the surname
table and stands below the loader) find the same folder.
"""

from __future__ import annotations

from pathlib import Path


def schemas_dir() -> Path:
    """The folder of the schemas fptui ships with."""
    package = Path(__file__).resolve().parent
    packaged = package / "_schemas"
    return packaged if (packaged / "choices.toml").is_file() else package.parent / "schemas"
