"""Plain-text and JSON views of domain objects, for the headless commands."""

DISCLAIMER = (
    "sleepplan is not medical advice. It shows what its sources say; ask a doctor or "
    "pharmacist before starting, combining or stopping anything."
)
