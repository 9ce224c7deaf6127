"""The browser app: an explorer of one run (Mesa SolaraViz) and a bilingual workshop mode."""
