"""deepdaily: a daily technical deep-dive digest."""
__version__ = "0.1.0"
