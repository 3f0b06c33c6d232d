"""The Textual app: screens, dialogs, widgets and one stylesheet. Imported only to run the TUI."""
