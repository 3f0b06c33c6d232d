"""One screen per area of the app (Textual modes)."""
