"""saidwhat: who said what, how, and with which rhetoric, in news articles."""
__version__ = "0.1.0"
