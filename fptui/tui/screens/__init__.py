"""One module per screen: the household list, the cards, the forms, follow-ups, the
score, the month end, the export, and the small dialogs they open."""
