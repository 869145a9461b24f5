"""The SemEval-2020 Task 11 measures on hand-made cases."""
import pytest

from saidwhat.evaluation.ptc_scorer import merge_spans, score_flc, score_si, score_tc


def test_si_perfect():
    gold = {"1": [(0, 10), (20, 30)]}
    s = score_si(gold, gold)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_si_disjoint():
    s = score_si({"1": [(0, 10)]}, {"1": [(10, 20)]})
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_si_other_article_gets_no_credit():
    s = score_si({"2": [(0, 10)]}, {"1": [(0, 10)]})
    assert s.f1 == 0.0 and s.n_pred == 1 and s.n_gold == 1


def test_si_half_overlap():
    # prediction covers the second half of the gold span and as much again outside it
    s = score_si({"1": [(5, 15)]}, {"1": [(0, 10)]})
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(0.5)


def test_si_prediction_inside_gold():
    s = score_si({"1": [(0, 5)]}, {"1": [(0, 20)]})
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.25)
    assert s.f1 == pytest.approx(0.4)


def test_si_merges_overlapping_spans():
    # two overlapping gold spans become one [0, 20); overlapping predictions merge too
    gold = {"1": [(0, 12), (8, 20)]}
    pred = {"1": [(0, 10), (5, 20)]}
    s = score_si(pred, gold)
    assert s.n_gold == 1 and s.n_pred == 1
    assert s.f1 == pytest.approx(1.0)
    assert merge_spans([(0, 12), (8, 20), (20, 25), (30, 31)]) == [(0, 20), (20, 25), (30, 31)]


def test_si_one_prediction_over_two_gold_spans():
    s = score_si({"1": [(0, 30)]}, {"1": [(0, 10), (20, 30)]})
    assert s.precision == pytest.approx(20 / 30)
    assert s.recall == pytest.approx(1.0)


def test_si_empty_prediction():
    s = score_si({}, {"1": [(0, 10)]})
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_tc_perfect_and_wrong():
    gold = {"1": [("Doubt", 0, 5), ("Loaded_Language", 10, 15)]}
    assert score_tc(gold, gold).f1 == 1.0
    pred = {"1": [("Doubt", 0, 5), ("Doubt", 10, 15)]}
    s = score_tc(pred, gold)
    assert s.f1 == pytest.approx(0.5)
    assert s.per_technique["Loaded_Language"]["recall"] == 0.0
    assert s.per_technique["Doubt"]["precision"] == pytest.approx(0.5)


def test_tc_span_with_two_techniques_is_a_multiset():
    gold = {"1": [("Loaded_Language", 0, 5), ("Name_Calling,Labeling", 0, 5)]}
    both = {"1": [("Name_Calling,Labeling", 0, 5), ("Loaded_Language", 0, 5)]}
    assert score_tc(both, gold).f1 == 1.0
    twice = {"1": [("Loaded_Language", 0, 5), ("Loaded_Language", 0, 5)]}
    assert score_tc(twice, gold).f1 == pytest.approx(0.5)


def test_tc_needs_the_exact_span():
    s = score_tc({"1": [("Doubt", 0, 6)]}, {"1": [("Doubt", 0, 5)]})
    assert s.f1 == 0.0


def test_flc_credits_only_the_same_technique():
    gold = {"a": [("Loaded_Language", 10, 20), ("Doubt", 0, 40)]}
    # right span, right technique: full credit for it; the Doubt span is missed
    s = score_flc({"a": [("Loaded_Language", 10, 20)]}, gold)
    assert s.precision == 1.0 and s.recall == pytest.approx(0.5)
    # the same span with the other technique earns only the overlap with the Doubt span
    s = score_flc({"a": [("Doubt", 10, 20)]}, gold)
    assert s.precision == 1.0 and s.recall == pytest.approx((10 / 40) / 2)
    # a technique nobody annotated earns nothing
    assert score_flc({"a": [("Slogans", 10, 20)]}, gold).f1 == 0.0
    # nested prediction (outer Doubt, inner Loaded_Language) is fully right
    s = score_flc({"a": [("Doubt", 0, 40), ("Loaded_Language", 10, 20)]}, gold)
    assert s.f1 == pytest.approx(1.0)
