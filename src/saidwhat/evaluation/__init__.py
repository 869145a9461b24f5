"""Evaluation of saidwhat against annotated corpora, off the run time: one module per corpus
(``polnear``, ``speakers``, ``gum``, ``ptc`` with its reader ``ptc_corpus`` and the SemEval
scorer ``ptc_scorer``). Nothing in the run time imports this package."""
