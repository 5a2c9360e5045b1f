"""Workbooks: tables from the ledger (pure) and the sheets written from them."""
