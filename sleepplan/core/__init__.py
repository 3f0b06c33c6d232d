"""The domain: pure Python, no Textual, no disk, no clock (time and paths are passed in)."""
