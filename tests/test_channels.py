"""The channel of a statement: speech, thought or perception, from the cue and its source."""
from __future__ import annotations

import pytest

from saidwhat.attribute.channels import channel_of


@pytest.mark.parametrize("lemma, head, channel", [
    ("say", "minister", "speech"), ("tell", None, "speech"), ("tweet", "senator", "speech"),
    ("according to", "report", "speech"), ("quote", None, "speech"),
    ("testify", "officer", "speech"), ("announce", "company", "speech"),
    ("believe", "organization", "thought"), ("expect", "analyst", "thought"),
    ("hope", "company", "thought"), ("want", "government", "thought"),
    ("fear", "resident", "thought"), ("know", "he", "thought"), ("suspect", "scientist", "thought"),
    ("see", "witness", "perception"), ("hear", "neighbour", "perception"),
    ("find", "study", "perception"), ("show", "data", "perception"),
    ("indicate", "image", "perception"), ("spot", "team", "perception"),
    ("reveal", "report", "perception"), ("reveal", "minister", "speech"),
    ("confirm", "study", "perception"), ("confirm", "spokesman", "speech"),
    ("suggest", "survey", "perception"), ("suggest", "he", "speech"),
])
def test_channel_of(lemma, head, channel):
    assert channel_of(lemma, head) == channel


def test_channels_in_an_analysis(analyze_text):
    text = ("Industry analysts expect sales to grow by a fifth next year.\n"
            "A study published on Monday found that most drivers ignore the limit.\n"
            "The minister said that the road would reopen in May.\n")
    channels = {st.content.text: st.channel for st in analyze_text(text).statements
                if st.content}
    assert channels == {"sales to grow by a fifth next year": "thought",
                        "most drivers ignore the limit": "perception",
                        "the road would reopen in May": "speech"}
