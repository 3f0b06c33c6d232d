"""Modal questions that dismiss with an answer."""
