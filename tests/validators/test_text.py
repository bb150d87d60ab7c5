"""Vectorized text checks and cleaning steps, without Great Expectations."""

from __future__ import annotations

import pandas as pd

from regionkit.validators import text


def _series(*values):
    return pd.Series(list(values), dtype="string")


def test_literal_escapes_detected_and_decoded():
    values = _series("it\\u2019s fine", "plain", None, "smile \\ud83d\\ude02!", "lone \\ud83d here")
    assert text.literal_escape_mask(values).tolist() == [True, False, False, True, True]
    decoded = text.decode_literal_escapes(values)
    assert decoded[0] == "it\u2019s fine"
    assert decoded[3] == "smile \U0001f602!"
    assert decoded[4] == "lone \\ud83d here"
    assert pd.isna(decoded[2])


def test_html_entities_unescaped_twice():
    values = _series("Tom &amp; Jerry", "a &amp;amp; b", "&#39;quoted&#39;", "R&D; no")
    assert text.html_entity_mask(values).tolist() == [True, True, True, False]
    assert text.unescape_html(values).tolist() == ["Tom & Jerry", "a & b", "'quoted'", "R&D; no"]


def test_mojibake_detected():
    values = _series("cafÃ© au lait", "itâ€™s", "f\ufffdr", "café", "Ørsted A/S")
    assert text.mojibake_mask(values).tolist() == [True, True, True, False, False]


def test_collapse_whitespace_and_normalization():
    values = _series("  two  spaces\there ", "tidy", None)
    assert text.collapse_whitespace(values).tolist()[:2] == ["two spaces here", "tidy"]
    assert text.normalize_unicode(_series("e\u0301"), form="NFC")[0] == "\u00e9"


def test_script_mismatch_by_region():
    region = _series("ar", "ar", "hi", "hi", "ar", "xx")
    values = _series(
        "مرحبا بكم في البيت",
        "good morning everyone",
        "yeh bahut accha hai",
        "यह बहुत अच्छा है",
        "@user http ok",
        "anything",
    )
    allowed = {"ar": ["Arabic"], "hi": ["Latin", "Devanagari"]}
    assert text.script_mismatch_mask(region, values, allowed=allowed).tolist() == [
        False,
        True,
        False,
        False,
        False,
        False,
    ]


def test_script_mismatch_ignores_tatweel_and_mentions():
    values = _series("ارمــــــلة سورية   http", "RT @user: صباح الخير يا جماعة")
    region = _series("ar", "ar")
    assert not text.script_mismatch_mask(region, values, allowed={"ar": ["Arabic"]}).any()


def test_dominant_script_profile():
    values = _series("hello there", "مرحبا بكم", "你好世界你好", "ok")
    assert text.dominant_script(values).fillna("NA").tolist() == ["Latin", "Arabic", "Han", "NA"]


def test_match_key_normalizes_retweets_and_mentions():
    values = _series("RT @user: Great GAME!!! http://t.co/x", "great game", "Grand match")
    key = text.match_key(values)
    assert key[0] == key[1] == "greatgame"
    assert key[2] != key[0]
    assert text.match_key(values, mode="exact")[0] == values[0]


def test_later_copies_within_groups():
    key = _series("a", "a", "a", "b", None, "")
    region = _series("en", "en", "fr", "en", "en", "en")
    assert text.later_copies(key, by=[region]).tolist() == [False, True, False, False, False, False]


def test_shared_across_regions_flags_every_copy():
    key = _series("a", "a", "b", "b")
    region = _series("en", "hi", "en", "en")
    assert text.shared_across(key, region).tolist() == [True, True, False, False]


def test_leakage_flags_earlier_split_only():
    key = _series("a", "a", "b", "b", "c", "c")
    split = _series("train", "test", "val", "test", "train", "val")
    assert text.leaked_rows(key, split).tolist() == [True, False, True, False, True, False]
    region = _series("en", "fr", "en", "en", "en", "en")
    assert text.leaked_rows(key, split, region=region).tolist() == [
        False,
        False,
        True,
        False,
        True,
        False,
    ]
