"""The reads and computations: each takes the database and a period or village and
returns data. None writes (the ledger does), none knows the screen (the tui does).

    queries.py    what the screens list and open: households, cards, villages
    checks.py     the logic checks, registered by code and worded in checks.toml
    score.py      the score's figures and indicators (scoring.toml)
    followups.py  the follow-up rules applied: visits planned, lists of visits due
    flows.py      births, deaths and moves of a period; the population on a day
    period.py     a village's month: its balance, its close, its late entries
    reconcile.py  the month end screen's sections, from the above
    tables.py     the monthly return's tables (reports/ writes them to sheets)
    schemas.py    the schemas with check and figure names held against the code
"""
