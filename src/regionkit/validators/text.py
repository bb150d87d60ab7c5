"""Vectorized text checks and cleaning steps on pandas string Series.

The checks take Series and return Series (or frames) aligned with their input. The work runs in
``pyarrow.compute`` (RE2 regular expressions over Arrow strings), and the slower
rewriting passes touch only the rows that a fast match pass selected first.
Null values stay null; boolean masks are False for them.
"""

from __future__ import annotations

import codecs
import html
import re
from typing import TYPE_CHECKING

from regionkit.validators.settings import SCRIPTS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Dominant-script value of a text whose letters mostly belong to no script in ``SCRIPTS``.
OTHER_SCRIPT = "Other"

# URLs and @mentions carry no language, so they are removed before the script is judged.
_NOISE = r"https?://\S+|\bhttps?\b|www\.\S+|@\w+"
_MAY_HAVE_NOISE = r"@|http|www\."

#: RE2 patterns of the encoding-damage checks.
LITERAL_ESCAPE = r"\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}"
HTML_ENTITY = r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"
# UTF-8 bytes decoded as Windows-1252 or Latin-1 show a lead byte (Ã, Â, Ø, Ù, â ...)
# followed by continuation bytes shown as Latin-1 symbols or Windows-1252 punctuation.
# U+FFFD is what a decoder leaves for bytes it could not read.
_CONTINUATION = (
    r"\x{0080}-\x{00bf}\x{0152}\x{0153}\x{0160}\x{0161}\x{0178}\x{017d}\x{017e}\x{0192}"
    r"\x{02c6}\x{02dc}\x{2013}\x{2014}\x{2018}-\x{201e}\x{2020}-\x{2022}\x{2026}\x{2030}"
    r"\x{2039}\x{203a}\x{20ac}\x{2122}"
)
MOJIBAKE = (
    rf"[\x{{00c2}}\x{{00c3}}\x{{00d0}}\x{{00d1}}\x{{00d8}}-\x{{00db}}][{_CONTINUATION}]"
    rf"|[\x{{00e0}}-\x{{00ef}}][{_CONTINUATION}][{_CONTINUATION}]"
    r"|\x{fffd}"
)

_ESCAPE_RUN = re.compile(r"(?:\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8})+")
# Punctuation and whitespace are dropped but emoji and other symbols are kept, because they
# carry sentiment. "@" is left out of the punctuation class so that "@user" matches as a
# whole mention instead of losing its "@" to the punctuation run before it.
_MATCH_KEY_DROP = (
    r"@\w+|https?://\S+|\bhttps?\b|www\.\S+|^rt\b"
    r"|(?:[\s\p{Z}\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}]|[^\P{Po}@])+|@"
)

_UNTIDY_WHITESPACE = r"\s\s|^\s|\s$|[^\S ]"


def to_arrow(series: pd.Series) -> pa.ChunkedArray:
    """Return the values of ``series`` as an Arrow string array, without a copy when possible."""
    import pyarrow as pa

    array = getattr(series, "array", series)
    if hasattr(array, "__arrow_array__"):
        converted = array.__arrow_array__()
        if pa.types.is_string(converted.type) or pa.types.is_large_string(converted.type):
            return (
                converted
                if isinstance(converted, pa.ChunkedArray)
                else pa.chunked_array([converted])
            )
    values = pa.array(
        series.astype("string").to_numpy(dtype=object, na_value=None), type=pa.large_string()
    )
    return pa.chunked_array([values])


def _strings(values: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    import pandas as pd
    import pyarrow as pa

    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    return pd.Series(pd.arrays.ArrowStringArray(values), index=index)


def _mask(values: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    import pandas as pd
    import pyarrow.compute as pc

    filled = pc.fill_null(values, False)
    return pd.Series(filled.to_numpy(zero_copy_only=False), index=index, dtype=bool)


def _matches(series: pd.Series, pattern: str) -> pd.Series:
    import pyarrow.compute as pc

    return _mask(pc.match_substring_regex(to_arrow(series), pattern), series.index)


def literal_escape_mask(text: pd.Series) -> pd.Series:
    """Return True where the text contains a literal ``\\uXXXX`` escape sequence."""
    return _matches(text, LITERAL_ESCAPE)


def html_entity_mask(text: pd.Series) -> pd.Series:
    """Return True where the text contains an HTML entity such as ``&amp;`` or ``&#39;``."""
    return _matches(text, HTML_ENTITY)


def mojibake_mask(text: pd.Series) -> pd.Series:
    """Return True where the text shows UTF-8 read as Windows-1252 (``Ã©``, ``â€™``) or U+FFFD."""
    return _matches(text, MOJIBAKE)


def _script_class(scripts: list[str] | tuple[str, ...]) -> str:
    unknown = sorted(set(scripts) - set(SCRIPTS))
    if unknown:
        raise ValueError(f"unknown script(s) {unknown}; use one or more of: {', '.join(SCRIPTS)}")
    return "".join(rf"\p{{{name}}}" for name in scripts)


def _without_noise(text: pd.Series) -> pa.ChunkedArray:
    import pyarrow.compute as pc

    values = to_arrow(text)
    noisy = pc.fill_null(pc.match_substring_regex(values, _MAY_HAVE_NOISE), False)
    if not pc.any(noisy).as_py():
        return values
    return pc.if_else(noisy, pc.replace_substring_regex(values, _NOISE, " "), values)


def _count_of(values: pa.ChunkedArray, keep_class: str):
    import pyarrow.compute as pc

    kept = pc.replace_substring_regex(
        values, rf"(?:[^{keep_class}]|\p{{Common}}|\p{{Inherited}})+", ""
    )
    return pc.fill_null(pc.utf8_length(kept), 0).to_numpy(zero_copy_only=False)


def script_share(text: pd.Series, *, scripts: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Count letters and the share of them that belong to ``scripts``, per text.

    URLs and @mentions are removed first. Returns a frame with ``letters`` (int) and
    ``share`` (float in [0, 1], 1.0 when the text has no letter outside ``scripts``).
    Only rows with a letter outside ``scripts`` pay for counting.
    """
    import numpy as np
    import pandas as pd
    import pyarrow.compute as pc

    values = _without_noise(text)
    allowed = _script_class(scripts)
    foreign = pc.fill_null(pc.match_substring_regex(values, rf"[^\P{{L}}{allowed}]"), False)
    foreign = foreign.to_numpy(zero_copy_only=False)

    letters = np.zeros(len(text), dtype=np.int64)
    share = np.ones(len(text), dtype=np.float64)
    if foreign.any():
        subset = pc.filter(values, foreign)
        total = _count_of(subset, r"\pL")
        in_scripts = np.minimum(_count_of(subset, allowed), total)
        letters[foreign] = total
        share[foreign] = np.divide(in_scripts, total, out=np.ones(len(total)), where=total > 0)
    return pd.DataFrame({"letters": letters, "share": share}, index=text.index)


def script_mismatch_mask(
    region: pd.Series,
    text: pd.Series,
    *,
    allowed: dict[str, list[str]],
    min_letters: int = 3,
    min_share: float = 0.5,
) -> pd.Series:
    """Return True where less than ``min_share`` of a text's letters are in its region's scripts.

    ``allowed`` maps region to scripts. Rows of regions without an entry, and texts with
    fewer than ``min_letters`` letters outside the allowed scripts, are never flagged.
    """
    import numpy as np
    import pandas as pd

    flagged = np.zeros(len(text), dtype=bool)
    region_values = region.astype("string").fillna("").to_numpy(dtype=object)
    for name, scripts in allowed.items():
        rows = region_values == name
        if not rows.any():
            continue
        counts = script_share(text[rows], scripts=scripts)
        bad = (counts["letters"].to_numpy() >= min_letters) & (
            counts["share"].to_numpy() < min_share
        )
        flagged[rows] = bad
    return pd.Series(flagged, index=text.index)


def dominant_script(
    text: pd.Series, *, scripts: list[str] | tuple[str, ...] = SCRIPTS, min_letters: int = 3
) -> pd.Series:
    """Return the script with the most letters in each text (one counting pass per script).

    A text with fewer than ``min_letters`` letters gets NA; a text whose letters mostly
    belong to none of ``scripts`` gets :data:`OTHER_SCRIPT`. Meant for profiles of samples:
    :func:`script_mismatch_mask` is the fast check.
    """
    import numpy as np
    import pandas as pd

    values = _without_noise(text)
    scripts = list(scripts)
    known = np.column_stack([_count_of(values, _script_class([name])) for name in scripts])
    letters = _count_of(values, r"\pL")
    table = np.column_stack([known, letters - np.minimum(known.sum(axis=1), letters)])
    names = np.array([*scripts, OTHER_SCRIPT], dtype=object)
    result = pd.Series(names[table.argmax(axis=1)], index=text.index, dtype=pd.StringDtype())
    result[letters < min_letters] = pd.NA
    return result


_KEY_CACHE: list[tuple[tuple, pa.ChunkedArray, pd.Series]] = []
_KEY_CACHE_SIZE = 4


def _data_identity(values: pa.ChunkedArray) -> tuple:
    """Return the addresses, offsets and lengths of the Arrow buffers behind ``values``."""
    return tuple(
        (
            tuple(buffer.address if buffer is not None else 0 for buffer in chunk.buffers()),
            chunk.offset,
            len(chunk),
        )
        for chunk in values.chunks
    )


def match_key(text: pd.Series, *, mode: str = "normalized") -> pd.Series:
    """Return the key that duplicate and leakage checks compare.

    ``exact`` compares the text itself. ``normalized`` compares NFKC, lower-cased text
    without URLs, @mentions, a leading ``RT``, punctuation and whitespace (emoji stay).
    The last few keys are cached by the identity of the Arrow data, because several
    checks need the key of the same column.
    """
    import pyarrow.compute as pc

    if mode not in ("exact", "normalized"):
        raise ValueError(f"mode={mode!r} is not supported; use 'exact' or 'normalized'")
    values = to_arrow(text)
    if mode == "exact":
        return _strings(values, text.index)

    identity = (mode, _data_identity(values))
    for cached_identity, _values, key in _KEY_CACHE:
        if cached_identity == identity:
            return key.set_axis(text.index)
    folded = pc.utf8_lower(pc.utf8_normalize(values, form="NFKC"))
    key = _strings(pc.replace_substring_regex(folded, _MATCH_KEY_DROP, ""), text.index)
    # The cache keeps ``values`` alive, so its identity cannot be reused by other data.
    _KEY_CACHE.insert(0, (identity, values, key))
    del _KEY_CACHE[_KEY_CACHE_SIZE:]
    return key


def _valid_key(key: pd.Series) -> pd.Series:
    return (key.notna() & (key.astype("string") != "")).fillna(False).astype(bool)


def later_copies(key: pd.Series, *, by: list[pd.Series] | None = None) -> pd.Series:
    """Return True for every row whose key appeared on an earlier row of the same ``by`` group.

    Rows with a null or empty key are never copies.
    """
    import pandas as pd

    frame = pd.DataFrame(
        {f"by{i}": column.to_numpy() for i, column in enumerate(by or [])}, index=key.index
    )
    frame["key"] = key.to_numpy()
    return frame.duplicated(keep="first") & _valid_key(key)


def shared_across(key: pd.Series, group: pd.Series) -> pd.Series:
    """Return True for every row whose key also appears in another ``group`` (e.g. region)."""
    import pandas as pd

    valid = _valid_key(key) & group.notna()
    frame = pd.DataFrame({"key": key.to_numpy(), "group": group.to_numpy()}, index=key.index)[valid]
    groups_per_key = frame.groupby("key")["group"].nunique()
    shared_keys = groups_per_key.index[groups_per_key > 1]
    return valid & key.isin(shared_keys)


#: Leakage order: a row leaks when its key appears in a later split of this tuple.
SPLIT_ORDER = ("train", "val", "test")


def leaked_rows(key: pd.Series, split: pd.Series, *, region: pd.Series | None = None) -> pd.Series:
    """Return True for train rows whose key is in val or test, and val rows whose key is in test.

    With ``region`` given, only rows of the same region are compared. Test rows are never flagged.
    """
    import numpy as np
    import pandas as pd

    rank = split.astype("string").map({name: index for index, name in enumerate(SPLIT_ORDER)})
    frame = pd.DataFrame(
        {
            "key": key.to_numpy(),
            "rank": pd.to_numeric(rank, errors="coerce").to_numpy(),
            "scope": region.astype("string").fillna("").to_numpy() if region is not None else "",
        },
        index=key.index,
    )
    known = _valid_key(key) & frame["rank"].notna()
    rows = frame[known]
    highest = rows.groupby(["scope", "key"])["rank"].transform("max")
    flagged = pd.Series(False, index=key.index)
    flagged.loc[rows.index] = (rows["rank"] < highest).to_numpy(dtype=np.bool_)
    return flagged


# Cleaning steps. Each returns the new Series; the caller counts the changed rows.


def normalize_unicode(text: pd.Series, *, form: str = "NFC") -> pd.Series:
    """Return ``text`` in the Unicode normal form ``form``."""
    import pyarrow.compute as pc

    return _strings(pc.utf8_normalize(to_arrow(text), form=form), text.index)


def _rewrite_rows(text: pd.Series, rows: pd.Series, function) -> pd.Series:
    import pandas as pd

    result = _strings(to_arrow(text), text.index)
    if rows.any():
        rewritten = [function(value) for value in result[rows].tolist()]
        result = result.copy()
        result[rows] = pd.array(rewritten, dtype=result.dtype)
    return result


#: Passes of :func:`unescape_html`; text escaped twice (``&amp;amp;``) needs two.
HTML_UNESCAPE_PASSES = 3


def unescape_html(text: pd.Series) -> pd.Series:
    """Replace HTML entities by their characters, only in rows that contain one.

    Runs up to :data:`HTML_UNESCAPE_PASSES` times, so that doubly escaped text is repaired too.
    """
    for _pass in range(HTML_UNESCAPE_PASSES):
        rows = html_entity_mask(text)
        if not rows.any():
            break
        text = _rewrite_rows(text, rows, html.unescape)
    return _strings(to_arrow(text), text.index)


def _decode_escape_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        decoded = codecs.decode(run, "unicode_escape")
        # Pairs such as \ud83d\ude02 decode to two surrogates; joining them needs UTF-16.
        return decoded.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeError:
        return run


def decode_literal_escapes(text: pd.Series) -> pd.Series:
    """Replace literal ``\\uXXXX`` sequences by the characters they encode, only where present.

    A run that does not decode to valid text (a lone surrogate) stays as it is.
    """
    return _rewrite_rows(
        text, literal_escape_mask(text), lambda value: _ESCAPE_RUN.sub(_decode_escape_run, value)
    )


def collapse_whitespace(text: pd.Series) -> pd.Series:
    """Collapse runs of whitespace to one space and strip both ends, only where needed."""
    import pyarrow.compute as pc

    values = to_arrow(text)
    untidy = pc.fill_null(pc.match_substring_regex(values, _UNTIDY_WHITESPACE), False)
    if not pc.any(untidy).as_py():
        return _strings(values, text.index)
    tidy = pc.utf8_trim_whitespace(pc.replace_substring_regex(values, r"\s+", " "))
    return _strings(pc.if_else(untidy, tidy, values), text.index)
