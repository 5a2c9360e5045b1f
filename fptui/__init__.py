"""fptui: a keyboard-driven terminal ledger for village population and family services."""

__version__ = "0.1.0"
