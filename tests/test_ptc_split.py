"""The PTC split of issue 14: training (297), tuning (37) and confirmation (37) articles, by
article, committed, disjoint, and drawn as ptc_corpus says."""
from __future__ import annotations

from saidwhat.evaluation import ptc_corpus as ptc


def test_tuning_and_confirmation_halve_the_validation_split_by_article():
    tuning, confirmation = ptc.split_ids("tuning"), ptc.split_ids("confirmation")
    validation = ptc.split_ids("validation")
    assert len(tuning) == len(confirmation) == 37
    assert not set(tuning) & set(confirmation)
    assert sorted(tuning + confirmation) == sorted(validation)
    # the committed files are what the seeded draw gives: nobody picked articles by hand
    assert ptc.make_tuning_split(validation) == (tuning, confirmation)


def test_a_file_of_ids_names_a_part(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("111111123\n\n696735702\n")
    assert ptc.split_ids(str(ids)) == ["111111123", "696735702"]
