"""The rules as data: schemas/*.toml loaded into typed, validated objects."""

from fptui.schema.loader import DEFAULT_DIR, SchemaError, current, load, use
from fptui.schema.model import (
    CheckRule,
    ChoiceList,
    Field,
    FollowupRule,
    Followups,
    Form,
    Option,
    Schemas,
    Text,
    Visit,
)

__all__ = [
    "DEFAULT_DIR",
    "CheckRule",
    "ChoiceList",
    "Field",
    "FollowupRule",
    "Followups",
    "Form",
    "Option",
    "SchemaError",
    "Schemas",
    "Text",
    "Visit",
    "current",
    "load",
    "use",
]
