"""The rules as data: schemas/*.toml loaded into typed, validated objects."""

from fptui.schema.loader import DEFAULT_DIR, SchemaError, current, load, use
from fptui.schema.model import ChoiceList, Field, Form, Option, Schemas, Text

__all__ = [
    "DEFAULT_DIR",
    "ChoiceList",
    "Field",
    "Form",
    "Option",
    "SchemaError",
    "Schemas",
    "Text",
    "current",
    "load",
    "use",
]
