"""sleepplan: plan tonight's sleep-support routine, check in each morning, learn what helps."""

__version__ = "0.1.0"
