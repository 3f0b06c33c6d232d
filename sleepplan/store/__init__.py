"""The only code that touches disk: profiles, the journal, bundled data, where files live."""
