"""Actions that belong to one area, kept apart from its screen's drawing.

Each module is named for its area; its functions take the app. The area's screen calls them,
and so does the command palette (from any area) for the catalog's.
"""
