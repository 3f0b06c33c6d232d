"""Actions that belong to one area but are still called on the app (by screens, the palette).

Each module is named for its area; its functions take the app. The app's methods of the same
names load them when first used.
"""
