"""What a cadre sees: the Textual app, its screens and widgets; the only place that
imports Textual. Screens read through `fptui.reads` and write only through
`fptui.ledger`; they compute no figure of their own."""
