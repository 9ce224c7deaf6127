"""The browser app: an explorer of one run and a bilingual workshop mode, on Solara (docs/app.md)."""
