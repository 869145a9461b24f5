"""Evaluation of saidwhat against annotated corpora: one module per corpus (``polnear``, ...)."""
