"""Fitting the models that ship inside saidwhat, off the run time: ``attribution`` (the
candidate scorer), ``contents`` (the content and source CRFs), ``techniques`` (the technique
tagger and its lexical models), ``si_head`` (the opt-in recurrent span head), ``tune`` (the
tagger's decoding chosen on validation) and ``sweep`` (recipes compared over seeds). Most need
the ``train`` extra. Nothing in the run time imports this package."""
