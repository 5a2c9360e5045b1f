"""Workbooks and sheets written from the tables of `fptui.reads`: the monthly return,
the visit sheet to take door to door; the layouts are data (schemas/reports/)."""
