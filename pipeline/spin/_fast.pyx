# cython: language_level=3, cdivision=False
"""Compiled twins of the spin detector's hottest loops.

``rows`` is ``pipeline.spin.words._py_rows`` (with ``_context``), ``ratio`` is
``pipeline.spin.spans._py_ratio``, ``best_original`` is ``pipeline.spin.suggest._py_best``.
Each does the same float operations in the same order on the same memo tables as its original, so the results are bit-identical
(``tests/spin/test_fast.py``); only the interpreter overhead goes. The Python originals stay
the reference: change them first, then mirror the change here.
"""

import re
import struct
import sys
from math import log as _pylog

cimport cython
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM
from cpython.unicode cimport (Py_UNICODE_ISALNUM, Py_UNICODE_ISALPHA, Py_UNICODE_ISDECIMAL,
                             Py_UNICODE_ISSPACE)
from libc.math cimport exp, isinf, log, log1p
from libc.stdint cimport int32_t, int64_t
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.compact import LazyTable
from pipeline.text import match_case

# Must equal len(pipeline.spin.words._CONTEXT); words.py refuses this module otherwise.
N_CONTEXT = 19
# The packed context row is built in C on a little-endian machine (``_pack_floats``, 19 floats).
_LITTLE = sys.byteorder == "little" and N_CONTEXT == 19
_PACK = struct.Struct(f"<{N_CONTEXT}f").pack
_NO_PAIR = (0.0, 0.0, 0.0)
_UNSEEN = object()
cdef frozenset _EMPTY = frozenset()
cdef double NEG_INF = float("-inf")
cdef object _MISSING = object()
_re_unicode = re.UNICODE


cdef object _tget(table, key, default):
    """``table.get(key, default)``: a :class:`LazyTable`'s ``get`` done here (the same
    look-ups, without two Python calls per read of the neighbour tables); a value read before
    comes from the table's ``_by_key`` in one look-up."""
    cdef dict by_key
    if type(table) is LazyTable:
        by_key = table._by_key
        v = by_key.get(key, _MISSING)
        if v is not _MISSING:
            return v
        i = table._index.get(key)
        if i is None:
            return default
        v = (<dict>table._values).get(i, _MISSING)
        if v is _MISSING:
            v = table._value(i)
        by_key[key] = v
        return v
    return table.get(key, default)


# -- spans._Model's p, lp and lbi, memo and miss alike ------------------------------------
# The kernels below call these directly: a call of the bound method (``m.lbi(a, b)``) costs
# an attribute look-up and a Python call per bigram, and a cold document computes hundreds
# of thousands of bigrams (issue 19). Each does the float operations of its Python original
# in the same order, and fills the same memo tables with the same values.
cdef double _uni_p(dict memo, ref, double n, w) except? -1.0:
    """A word's probability, max(general, in-domain), through ``memo``: the body of both
    ``spans._Model.p`` (``n`` its ``dom_n``) and ``words._Stats.p`` (``n`` its ``n``)."""
    cdef double pg, d
    v = memo.get(w)
    if v is not None:
        return <double>v
    z = ref.zipf.get(w)
    pg = 10.0 ** (<double>z - 9.0) if z is not None else 1e-9
    d = <double>ref.dom_uni.get(w, 0) / n
    if d > pg:   # max(pg, d): the first wins a tie, as in Python
        pg = d
    memo[w] = pg
    return pg


cdef double _mp(m, w) except? -1.0:
    """``spans._Model.p(w)``."""
    return _uni_p(m._p, m.ref, <double>m.dom_n, w)


cdef double _mlp(m, w) except? -1.0:
    """``spans._Model.lp(w)``."""
    cdef dict memo = m._lp
    cdef double r
    v = memo.get(w)
    if v is not None:
        return <double>v
    r = log(_mp(m, w))
    memo[w] = r
    return r


cdef double _mlbi(m, a, b) except? -1.0:
    """``spans._Model.lbi(a, b)``: log P(b | a), smoothed toward P(b)."""
    cdef dict bi = m._bi
    cdef dict un
    cdef double r, c, lam
    row = bi.get(a)
    if row is None:
        row = bi[a] = {}
    v = (<dict>row).get(b)
    if v is not None:
        return <double>v
    after = _tget(m.succ, a, None)
    if after is None or b not in after:
        un = m._unlisted
        v = un.get(b)
        if v is None:
            r = log(<double>m.lam * _mp(m, b))
            un[b] = r
        else:
            r = <double>v
    else:
        k = a + " " + b
        ref = m.ref
        lam = m.lam
        # The operand types of the original are floats throughout (the counts converted as
        # Python converts them), so the doubles here round the same way.
        c = <double>ref.gen_bi.get(k, 0.0) + <double>m.wd * <double>ref.dom_bi.get(k, 0)
        pb = _mp(m, b)
        r = log((1.0 - lam) * c / (<double>m.n * _mp(m, a) + <double>m.mu) + lam * pb)
    (<dict>row)[b] = r
    m._n_bi += 1
    return r


cdef object _mrare(m, w):
    """``spans._Model.rare(w)``: what a rare first word gets back (None: not rare). Called for
    every original of every new span key (a Python method call each, issue 19)."""
    cdef double floor = m.rare_floor, rare_zipf, z
    if not floor:
        return None
    rare_zipf = m.rare_zipf
    # The value as the original reads it (a float; an int converts exactly, as in Python).
    z = m.ref.zipf.get(w, 0.0)
    if z < rare_zipf:
        return floor * (rare_zipf - z)
    return None


def rare(m, w):
    """``spans._Model.rare`` (bound as that method)."""
    return _mrare(m, w)


cdef double _mfit_parts(m, left, tuple parts, right) except? -1.0:
    """``spans._Model.fit_parts``."""
    first, rare, inner, last = parts
    cdef double s
    if left:
        s = _mlbi(m, left, first)
    else:
        s = _mlp(m, first)
    if rare is not None:
        s += <double>rare
    for x in <tuple>inner:
        s += <double>x
    if right:
        s += _mlbi(m, last, right)
    return s


# -- words.py ------------------------------------------------------------------------------
cdef inline tuple _info(st, dict memo, str w):
    """``st.info(w)`` with its memo read here."""
    v = memo.get(w)
    if v is None:
        return st.info(w)
    return <tuple>v


cdef double _sp(st, w) except? -1.0:
    """``words._Stats.p(w)`` (its memo read here, a miss computed here: the same float
    operations in the same order)."""
    return _uni_p(st._p, st.ref, <double>st.n, w)


cdef tuple _pair(st, dict memo, str a, str b):
    """``st.pair(a, b)``, memo and miss alike (a cold document computes a hundred thousand
    bigrams: the method call cost as much as the look-ups)."""
    cdef double count, e, beta
    k = a + " " + b
    v = memo.get(k)
    if v is not None:
        return <tuple>v
    ref = st.ref
    g = ref.gen_bi.get(k)
    # Floats throughout in the original too (the count converted as Python converts it).
    count = (<double>g if g is not None else 0.0) + <double>st.wd * <double>ref.dom_bi.get(k, 0)
    e = <double>st.n * _sp(st, a) * _sp(st, b)
    beta = st.beta
    v = memo[k] = (log((count + beta) / (e + beta)), log1p(count), 1.0 if g is not None else 0.0)
    return <tuple>v


cdef inline object _tag(st, dict memo, str w):
    """``st.tag(w)`` with its memo read here."""
    v = memo.get(w, _UNSEEN)
    if v is _UNSEEN:
        return st.tag(w)
    return v


cdef inline frozenset _cand_set(st, dict cands, str w):
    v = cands.get(w)
    if v is None:
        v = st.cands(w)
    return <frozenset>(<tuple>v)[1]


cdef tuple _context(st, object left, str w, object right, Py_ssize_t max_near,
                    Py_ssize_t max_near_function):
    """``words._context``."""
    cdef tuple info = _info(st, st._info, w)
    cdef double z = info[0], n_cands = info[3]
    cdef tuple cands = info[4]
    cdef frozenset cset = info[5]
    tw = info[6]
    cdef dict pmemo = st._pair, cmemo = st._cands
    cdef double a_l, c_l, g_l, a_r, c_r, g_r, sup_w, sup_c, d, n_c, pick_n
    cdef double best_delta = 0.0, best_sup = 0.0, via_function = 0.0
    cdef double pos_lp = 0.0, pos_known = 0.0
    cdef str best = "", pick = ""
    cdef Py_ssize_t n_near = 0, cap
    cdef tuple p_l, p_r
    if left:
        a_l, c_l, g_l = _pair(st, pmemo, left, w)
    else:
        a_l, c_l, g_l = _NO_PAIR
    if right:
        a_r, c_r, g_r = _pair(st, pmemo, w, right)
    else:
        a_r, c_r, g_r = _NO_PAIR
    cl = left if left and left not in STOP_WORDS else None
    cr = right if right and right not in STOP_WORDS else None
    if not (cl or cr):
        cl, cr = left, right
        via_function = 1.0 if (cl or cr) else 0.0
    if cset and (cl or cr):
        near = (cset & _tget(st.succ, cl, _EMPTY)) if cl else set()
        if cr:
            near = near | (cset & _tget(st.pred, cr, _EMPTY))
        n_near = len(near)
        cap = max_near_function if via_function else max_near
        if n_near > cap:
            kept = []
            if cap > 0:
                for c in cands:
                    if c in near:
                        kept.append(c)
                        if len(kept) >= cap:
                            break
            near = kept
        sup_w = a_l + a_r
        pick_n = -1.0
        for c in near:
            if w not in _cand_set(st, cmemo, c):
                continue
            p_l = _pair(st, pmemo, left, c) if left else _NO_PAIR
            p_r = _pair(st, pmemo, c, right) if right else _NO_PAIR
            sup_c = <double>p_l[0] + <double>p_r[0]
            d = sup_c - sup_w
            if d > best_delta or (d == best_delta and best and c < best):
                best_delta, best_sup, best = d, sup_c, c
            if d > 0:
                n_c = <double>p_l[1] + <double>p_r[1]
                if n_c > pick_n or (n_c == pick_n and c < pick):
                    pick_n, pick = n_c, c
    if tw is not None:
        lps = []
        logp = st.ref.pos_bigram_logp
        tmemo = st._tag
        if left and (tl := _tag(st, tmemo, left)) is not None:
            lps.append(logp.get(tl + " " + tw, -12.0))
        if right and (tr := _tag(st, tmemo, right)) is not None:
            lps.append(logp.get(tw + " " + tr, -12.0))
        if lps:
            pos_lp, pos_known = min(lps), 1.0
    zipf = st.ref.zipf
    cdef double[19] vals
    if not _LITTLE:
        row = _PACK(
            z, float(len(w)), n_cands,
            1.0 if left else 0.0, a_l, c_l, zipf.get(left, 0.0) if left else 0.0, g_l,
            1.0 if right else 0.0, a_r, c_r, zipf.get(right, 0.0) if right else 0.0, g_r,
            best_delta, best_sup, log1p(<double>n_near), via_function, pos_lp, pos_known,
        )
        return row, best, pick
    # _PACK's bytes without a Python float per column and a call of struct's pack.
    vals[0] = z
    vals[1] = <double>len(w)
    vals[2] = n_cands
    vals[3] = 1.0 if left else 0.0
    vals[4] = a_l
    vals[5] = c_l
    vals[6] = <double>zipf.get(left, 0.0) if left else 0.0
    vals[7] = g_l
    vals[8] = 1.0 if right else 0.0
    vals[9] = a_r
    vals[10] = c_r
    vals[11] = <double>zipf.get(right, 0.0) if right else 0.0
    vals[12] = g_r
    vals[13] = best_delta
    vals[14] = best_sup
    vals[15] = log1p(<double>n_near)
    vals[16] = via_function
    vals[17] = pos_lp
    vals[18] = pos_known
    return _pack_floats(vals), best, pick


cdef bytes _pack_floats(double* vals):
    """``struct.pack("<19f", *vals)`` on a little-endian machine: each double rounded to the
    nearest float32 as ``PyFloat_Pack4`` rounds it (a C cast), with its overflow error."""
    cdef float[19] buf
    cdef Py_ssize_t i
    cdef float f
    for i in range(19):
        f = <float>vals[i]
        if isinf(f) and not isinf(vals[i]):
            raise OverflowError("float too large to pack with f format")
        buf[i] = f
    return PyBytes_FromStringAndSize(<char*>buf, 19 * sizeof(float))


def rows(list toks, st, set present, Py_ssize_t max_near, Py_ssize_t max_near_function):
    """``words._py_rows``: (token indices, packed context rows, own columns, suggestions)."""
    cdef Py_ssize_t i, n = len(toks)
    cdef list idx = [], ctx_rows = [], own_rows = [], sugg = []
    cdef dict memo = st._ctx
    cdef dict term_memo = {}
    cdef double term_gap, gap, dom_log, capital_inside, sentence_start
    cdef str w, term_best, best, pick, choice
    cdef tuple key, ctx, term, facts
    cdef dict imemo = st._info
    cmemo = st._cands
    for i in range(n):
        t = toks[i]
        w = t.low
        if not t.is_word or w in STOP_WORDS or len(w) < 3:
            continue
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[i + 1] if i + 1 < n else None
        left = prev.low if prev is not None and prev.is_word else None
        right = nxt.low if nxt is not None and nxt.is_word else None
        key = (left, w, right)
        v = memo.get(key)
        if v is None:
            v = memo[key] = _context(st, left, w, right, max_near, max_near_function)
        ctx = <tuple>v
        row, best, pick = ctx
        v = term_memo.get(w)
        if v is None:
            term_gap, term_best = 0.0, ""
            facts = _info(st, imemo, w)
            dom_log = facts[1]
            for c in facts[5] & present:
                if w not in _cand_set(st, cmemo, c):
                    continue
                gap = <double>_info(st, imemo, c)[1] - dom_log
                if gap > term_gap or (gap == term_gap and term_best and c < term_best):
                    term_gap, term_best = gap, c
            v = term_memo[w] = (term_gap, term_best)
        term = <tuple>v
        term_gap, term_best = term
        text = t.text
        capital_inside = 1.0 if text[0].isupper() and prev is not None and prev.text not in ".!?" else 0.0
        sentence_start = 1.0 if prev is None or prev.text in ".!?" else 0.0
        idx.append(i)
        ctx_rows.append(row)
        own_rows.append((term_gap, 1.0 if term_best else 0.0, capital_inside, sentence_start))
        choice = (pick if best else "") or term_best
        sugg.append(match_case(choice, text) if choice else "")
    return idx, ctx_rows, own_rows, sugg


# -- spans.py ------------------------------------------------------------------------------
def ratio(m, tuple info, left, right, double max_lr):
    """``spans._py_ratio``: (log LR, best original) of a span with the facts ``info``
    (``spans._key_info``) between ``left`` and ``right``."""
    return _ratio(m, info, left, right, max_lr)


cdef tuple _ratio(m, tuple info, left, right, double max_lr):
    cdef dict single = info[0]
    cdef frozenset cset = info[1]
    cdef tuple multi = info[2]
    cdef double mass = info[3]
    free = info[4]
    cdef tuple order = info[5]
    cdef tuple own_parts = info[6]
    cdef double own, total = 0.0, best_v = NEG_INF, rest, v, x, log_n, floor
    cdef str best = ""
    cdef tuple sc
    cdef Py_ssize_t max_near = m.max_near
    cdef dict rrow_d
    own = _mfit_parts(m, left, own_parts, right)
    near = cset & _tget(m.succ, left, _EMPTY) if left else set()
    if right:
        near = near | (cset & _tget(m.pred, right, _EMPTY))
    if len(near) > max_near:
        near = [c for c in order if c in near][:max_near]
    rest = mass
    lrow = m._bi.get(left) if left else None
    rrow = m._rbi.get(right) if right else None
    if right and rrow is None:
        rrow = m._rbi[right] = {}
    for c in near:
        sc = <tuple>single[c]
        log_n = sc[1]
        rare = sc[2]
        rest -= <double>sc[3]
        if c == left or c == right:
            continue
        if left:
            xo = (<dict>lrow).get(c) if lrow is not None else None
            if xo is None:
                v = _mlbi(m, left, c)
                lrow = m._bi[left]
            else:
                v = xo
        else:
            v = _mlp(m, c)
        if rare is not None:
            v += <double>rare
        if right:
            rrow_d = <dict>rrow
            xo = rrow_d.get(c)
            if xo is None:
                x = _mlbi(m, c, right)
                rrow_d[c] = x
                m._n_bi += 1
            else:
                x = xo
            v += x
        v -= log_n
        total += exp(min(v - own, 50.0))
        if v > best_v or v == best_v and c < best:
            best, best_v = c, v
    for c, log_n, parts in multi:
        first, rare, inner, last = parts
        if left is not None and first == left or right is not None and last == right:
            continue
        if left:
            xo = (<dict>lrow).get(first) if lrow is not None else None
            if xo is None:
                v = _mlbi(m, left, first)
                lrow = m._bi[left]
            else:
                v = xo
        else:
            v = _mlp(m, first)
        if rare is not None:
            v += <double>rare
        for xi in inner:
            v += <double>xi
        if right:
            rrow_d = <dict>rrow
            xo = rrow_d.get(last)
            if xo is None:
                x = _mlbi(m, last, right)
                rrow_d[last] = x
                m._n_bi += 1
            else:
                x = xo
            v += x
        v -= log_n
        total += exp(min(v - own, 50.0))
        if v > best_v:
            best, best_v = c, v
    if rest > 0.0:
        floor = log(rest) + (<double>m.log_lam if left else 0.0) + (
            <double>m.log_lam + _mlp(m, right) if right else 0.0)
        total += exp(min(floor - own, 50.0))
        if not best:
            best = free
    if total <= 0.0:
        return NEG_INF, ""
    return min(log(total), log(max_lr)), best


_SENT_END = ".!?:\"“"


def span_hits(m, thes, list toks, list lows, list spans_ok, double max_lr, double gate,
              double min_log):
    """``spans._py_hits``: the candidate spans of ``toks`` reaching ``min_log``, with
    ``_single_ok``, ``_lemmas``, ``_fits`` and ``_score`` read from their memos here (the
    Python functions only on a miss)."""
    from pipeline.spin import spans as S

    cdef dict memo = m._ctx
    cdef dict single_ok = m._single
    cdef dict keys = m._keys
    cdef dict lemmas = m._lemmas
    firsts = thes.first_words
    seconds = thes.second_words
    by_second, by_middle = thes.multiword_index()
    no_hit = S._NO_HIT
    SpanHit = S.SpanHit
    cdef list hits = []
    cdef list cands
    cdef Py_ssize_t n = len(toks), i, j, k, k0
    cdef tuple v, info
    cdef double lw
    cdef bint fits
    cdef str text
    for i in range(n):
        w = spans_ok[i]
        if w is None:
            continue
        left = lows[i - 1] if i else None
        cands = []
        ok = single_ok.get(w)
        if ok is None:
            ok = S._single_ok(m, thes, w)
        if ok:
            cands.append((i, w))
        if w in firsts:
            w2 = spans_ok[i + 1]
            if w2 is not None and w2 in seconds:
                starts = _tget(by_second, w2, None)
                if starts:
                    lem = lemmas.get(w)
                    if lem is None:
                        lem = S._lemmas(m, w)
                    if not starts.isdisjoint(lem):
                        key = w + " " + w2
                        if thes.originals(key):
                            cands.append((i + 1, key))
                w3 = spans_ok[i + 2]
                if w3 is not None:
                    starts = _tget(by_middle, w2, None)
                    if starts:
                        lem = lemmas.get(w)
                        if lem is None:
                            lem = S._lemmas(m, w)
                        if not starts.isdisjoint(lem):
                            key = w + " " + w2 + " " + w3
                            if thes.originals(key):
                                cands.append((i + 2, key))
        for j, key in cands:
            right = lows[j + 1]
            ck = (left, key, right)
            vo = memo.get(ck)
            if vo is None:
                fits = False
                if j == i and left and right:
                    # _fits(m, left, key, right, gate): the same calls in the same order.
                    lw = _mlp(m, key)
                    fits = (_mlbi(m, left, key) - lw > gate
                            and _mlbi(m, key, right) - _mlp(m, right) > gate)
                if fits:
                    v = no_hit
                else:
                    # _score(m, thes, left, key, right, max_lr), its _key_info memo read here.
                    io = keys.get(key)
                    if io is None:
                        io = S._key_info(m, thes, key)
                    elif not io:
                        io = None
                    if io is None:
                        v = (NEG_INF, "")
                    else:
                        v = _ratio(m, <tuple>io, left, right, max_lr)
                memo[ck] = v
            else:
                v = <tuple>vo
            if <double>v[0] < min_log:
                continue
            # Names: a capitalised word inside a sentence is left alone (shouted text is not).
            k0 = i
            if i == 0 or (<str>(<tuple>toks[i - 1])[2]) in _SENT_END:
                k0 = i + 1
            for k in range(k0, j + 1):
                text = (<tuple>toks[k])[2]
                if text[0].isupper() and not text.isupper():
                    break
            else:
                hits.append(SpanHit(i, j, v[0], v[1], key))
    return hits


cdef bint _all_stop(list words):
    """``all(x in STOP_WORDS for x in words)``."""
    for x in words:
        if x not in STOP_WORDS:
            return False
    return True


cdef double _shape_weight(str key, str original, double shorter, double longer,
                          double stop) except? -1.0:
    """``spans.shape_weight`` (an empty original: 0.0)."""
    cdef list ow, kw
    cdef double w
    if not original:
        return 0.0
    ow, kw = original.split(), key.split()
    if len(ow) > len(kw):
        w = shorter
    elif len(kw) > len(ow) and not set(ow) <= set(kw):
        w = longer
    else:
        w = 0.0
    if _all_stop(ow) and not _all_stop(kw):
        w += stop
    return w


cdef Py_ssize_t _inner_count(str original, str key):
    """``spans.inner_count``."""
    cdef list ow = original.split(), kw = key.split()
    cdef Py_ssize_t k, n = 0, lo = len(ow)
    if not ow or lo >= len(kw):
        return 0
    for k in range(len(kw) - lo + 1):
        if kw[k:k + lo] == ow:
            n += 1
    return n


cdef object _tri_best(list left, list words, list right, tri):
    """The ``best`` of ``spans.trigram_counts``: the largest count of a window of three words
    of ``left + words + right`` without a None (0 when none is listed)."""
    cdef list seq = left + words + right
    cdef Py_ssize_t a
    top = 0
    for a in range(len(seq) - 2):
        x, y, z = seq[a], seq[a + 1], seq[a + 2]
        if x is None or y is None or z is None:
            continue
        v = tri.get(" ".join((x, y, z)), 0)
        if v > top:   # max(top, v): the first wins a tie
            top = v
    return top


def weigh_hits(list hits, list lows, dict counts, dict phrases, tuple factors, tri,
               list tri_steps, double tri_none):
    """``spans._py_weigh``: each hit with the in-text, repetition, shape and trigram factors
    added to its log LR (the same additions in the same order)."""
    cdef double up = factors[0], down = factors[1], twice = factors[2], more = factors[3]
    cdef double shorter = factors[4], longer = factors[5], stop = factors[6]
    cdef double w, f
    cdef Py_ssize_t n, inner, i, j, nl = len(lows), k
    cdef str key, original
    cdef bint elsewhere
    cdef list out = [], around
    cdef tuple h
    for ho in hits:
        h = <tuple>ho
        i, j, key, original = h[0], h[1], h[4], h[3]
        n = (phrases if " " in key else counts).get(key, 0)
        inner = _inner_count(original, key)
        if inner:
            elsewhere = (<Py_ssize_t>(phrases if " " in original else counts).get(original, 0)
                         > inner * n)
        elif not original:
            elsewhere = False
        else:
            elsewhere = original in (phrases if " " in original else counts)
        w = up if elsewhere else down
        w += twice if n == 2 else more if n >= 3 else 0.0
        w += _shape_weight(key, original, shorter, longer, stop)
        if tri and original:
            # trigram_counts then trigram_weight.
            around = [lows[k] if 0 <= k < nl else None for k in (i - 2, i - 1, j + 1, j + 2)]
            left = [around[0] if around[1] is not None else None, around[1]]
            right = [around[2], around[3] if around[2] is not None else None]
            orig_count = _tri_best(left, original.split(" "), right, tri)
            span_count = _tri_best(left, key.split(" "), right, tri)
            if not tri_steps or span_count >= (<tuple>tri_steps[0])[0]:
                f = 0.0
            else:
                f = tri_none
                for step in tri_steps:
                    if orig_count >= (<tuple>step)[0]:
                        f = (<tuple>step)[1]
            w += f
        out.append(ho._replace(log_lr=<double>h[2] + w) if w != 0.0 else ho)
    return out


def lbi(m, a, b):
    """``spans._Model.lbi`` (bound as that method): log P(b | a), smoothed toward P(b)."""
    return _mlbi(m, a, b)


def parts(m, words):
    """``spans._Model.parts`` (bound as that method)."""
    cdef list inner = []
    cdef Py_ssize_t i, n = len(words)
    cdef double v, floor = m.inner_floor
    for i in range(n - 1):
        v = _mlbi(m, words[i], words[i + 1])
        if floor > v:   # max(v, floor): the first wins a tie, as in Python
            v = floor
        inner.append(v)
    return words[0], _mrare(m, words[0]), tuple(inner), words[-1]


def fit_parts(m, left, tuple parts, right):
    """``spans._Model.fit_parts`` (bound as that method)."""
    return _mfit_parts(m, left, parts, right)


def key_info(m, thes, str key):
    """``spans._py_key_info``: a span's facts (memoised in ``m._keys``; None when it has
    nothing it could have replaced)."""
    cdef dict keys = m._keys
    cdef dict single
    cdef list multi
    cdef double mass, share, log_n
    cdef tuple order
    v = keys.get(key)
    if v is not None:
        return v or None
    cands = thes.originals(key)
    if not cands:
        keys[key] = ()
        return None
    ants = thes.antonyms.get(key, _EMPTY)
    single = {}
    for c, n in cands:
        if " " not in c and c not in ants and not respelt(key, c):
            # math.log raises on a count below 1 (none is); so does the Python original.
            log_n = _pylog(n) if n <= 0 else log(<double>n)
            single[c] = (n, log_n, _mrare(m, c), _mp(m, c) / <double>n)
    multi = []
    for c, n in cands:
        if " " in c and c not in ants and not respelt(key, c):
            multi.append((c, _pylog(n) if n <= 0 else log(<double>n),
                          parts(m, (<str>c).split(" "))))
    if not single and not multi:
        keys[key] = ()
        return None
    # sum() of floats: one addition after another from 0.0, as Python 3.11's sum adds them.
    mass = 0.0
    for x in single.values():
        mass += <double>(<tuple>x)[3]
    order = tuple(sorted(single, key=lambda c: (-single[c][3], c)))
    free = order[0] if order else ""
    v = keys[key] = (single, frozenset(single), tuple(multi), mass, free, order,
                     parts(m, key.split(" ")))
    return v


# -- suggest.py ----------------------------------------------------------------------------
# The phrases of the last text ``best_original`` saw: [its ``joined`` string, {word count:
# set of its runs of that many words}] (one text at a time: resuggest calls it for every span
# of a document with the same string).
cdef list _PHRASES = [None, None]


cdef bint _in_joined(str c, str joined):
    """``" " + c + " " in joined`` for a ``joined`` of the form ``" " + " ".join(words) + " "``
    without scanning the text for each phrase: the match starts after a space and ends before
    one, so it is a run of ``c.count(" ") + 1`` consecutive pieces of ``joined.split(" ")``,
    the first and last (empty) pieces excluded (they have no space on their outer side)."""
    cdef Py_ssize_t k = c.count(" ") + 1, i
    cdef dict by_len
    cdef list pieces
    cdef set runs
    if _PHRASES[0] is not joined:
        _PHRASES[0] = joined
        _PHRASES[1] = {}
    by_len = <dict>_PHRASES[1]
    got = by_len.get(k)
    if got is None:
        pieces = joined.split(" ")
        runs = set()
        for i in range(1, len(pieces) - k):
            runs.add(" ".join(pieces[i:i + k]))
        by_len[k] = got = runs
    return c in <set>got


def in_joined(str c, str joined):
    """``_in_joined`` (exposed for the parity tests): ``" " + c + " " in joined``."""
    if joined.startswith(" ") and joined.endswith(" "):
        return _in_joined(c, joined)
    return " " + c + " " in joined


def best_original(m, tuple cands, left, right, frozenset lemmas, str joined, double bonus):
    """``suggest._py_best``: the original of ``cands`` (``suggest._static``) that fits best
    between ``left`` and ``right`` (``fit_parts`` through ``_mfit_parts``, its bigram memo
    read by ``_mlbi``)."""
    cdef str best = ""
    cdef double best_v = NEG_INF, v
    cdef tuple item
    cdef bint joined_form = joined.startswith(" ") and joined.endswith(" ")
    for item in cands:
        c = item[0]
        if c == left or c == right:
            continue
        v = _mfit_parts(m, left, <tuple>item[1], right) + <double>item[2]
        if bonus:
            forms = item[3]
            if forms is None:
                if (_in_joined(<str>c, joined) if joined_form
                        else (" " + c + " " in joined)):
                    v += bonus
            elif not (<frozenset>forms).isdisjoint(lemmas):
                v += bonus
        if v > best_v or v == best_v and c < best:
            best, best_v = c, v
    return best


cdef double _keyness(ref, str phrase, double clip, double dom_n) except? -1.0:
    """``suggest.keyness`` (the same float operations in the same order)."""
    cdef list words = phrase.split()
    cdef double total = 0.0, general, share, r
    zipf = ref.zipf
    dom_uni = ref.dom_uni
    for w in words:
        z = zipf.get(w)
        general = 10.0 ** (<double>z - 9.0) if z is not None else 1e-9
        share = <double>dom_uni.get(w, 0) / dom_n
        if 1e-9 > share:   # max(share, 1e-9)
            share = 1e-9
        total += log(share / general)
    r = total / <double>(len(words) if len(words) > 1 else 1)
    if clip < r:   # min(r, clip)
        r = clip
    if -clip > r:   # max(r, -clip)
        r = -clip
    return r


def static_cands(thes, ref, m, str key, double g, double a, double clip):
    """``suggest._py_static_cands``: the originals ``key`` may be given, with their
    context-free parts (``thes.is_antonym(key, c)`` with the antonym sets of ``key``'s lemma
    guesses read once, not once per original)."""
    cdef list out = [], words, key_ants = []
    cdef set seen = set()
    cdef bint content, skip
    cdef Py_ssize_t nw
    cdef double dom_n = float(max(ref.dom_words, 1))
    antonyms = thes.antonyms
    ants = antonyms.get(key, _EMPTY)
    content = False
    for w in key.split(" "):
        if w not in STOP_WORDS:
            content = True
            break
    own = None if " " in key else frozenset([x for x, _ in inflections(key)])
    for x, _ in inflections(key):
        kx = antonyms.get(x)
        if kx:
            key_ants.append(kx)
    for c, n in thes.suggestion_originals(key):
        if c in seen or c in ants or respelt(key, c):
            continue
        if key_ants and _inflects_into([c], key_ants):
            continue
        seen.add(c)
        words = (<str>c).split(" ")
        nw = len(words)
        if content and nw > 1:
            skip = True
            for w in words:
                if w not in STOP_WORDS:
                    skip = False
                    break
            if skip:
                continue
        if own is not None and nw > 1 and _inflects_into(words, [own]):
            continue
        out.append((c, parts(m, words),
                    -g * log(<double>(n if n > 1 else 1)) + a * _keyness(ref, c, clip, dom_n),
                    None if nw > 1 else frozenset([x for x, _ in inflections(c)])))
    return tuple(out)


cdef bint _inflects_into(list words, list sets):
    """Whether an inflection (``inflections``) of one of ``words`` is in one of ``sets``."""
    for w in words:
        for x, _ in inflections(w):
            for st in sets:
                if x in st:
                    return True
    return False


# -- spelling variants (spans.py) and lemma guesses (signals/base.py) ----------------------
def inflections(str word):
    """``signals.base._py_inflections``: (lemma guess, suffix class) pairs, the word first."""
    cdef Py_ssize_t n = len(word)
    cdef list out = [(word, "")]
    if n > 4 and word.endswith("ies"):
        out.append((word[:-3] + "y", "s"))
    if n > 3 and word.endswith("es"):
        out.append((word[:-2], "s"))
    if n > 3 and word.endswith("s") and not word.endswith("ss"):
        out.append((word[:-1], "s"))
    if n > 4 and word.endswith("ed"):
        out.append((word[:-2], "ed"))
        out.append((word[:-1], "ed"))
        if n > 5 and word[n - 3] == word[n - 4]:
            out.append((word[:-3], "ed"))
    if n > 5 and word.endswith("ing"):
        out.append((word[:-3], "ing"))
        out.append((word[:-3] + "e", "ing"))
        if word[n - 4] == word[n - 5]:
            out.append((word[:-4], "ing"))
    if n > 4 and word.endswith("ly"):
        out.append((word[:-2], "ly"))
    return out


cdef bint _variant(str a, str b):
    """``spans._py_variant``."""
    cdef Py_ssize_t la = len(a), lb = len(b), i, diff = 0
    if abs(la - lb) > 2 or min(la, lb) < 4:
        return False
    if la == lb:
        for i in range(la):
            if a[i] != b[i]:
                diff += 1
        return diff <= 2
    if la < lb:
        short, long_ = a, b
    else:
        short, long_ = b, a
    return long_.startswith(short) or long_.replace("u", "", 1) == short


def variant(str a, str b):
    """``spans._py_variant`` (exposed for the parity tests)."""
    return _variant(a, b)


_RESPELL = (("isation", "ization"), ("ise", "ize"), ("yse", "yze"), ("our", "or"),
            ("ogue", "og"), ("ae", "e"), ("oe", "e"), ("ll", "l"))


cdef str _spelling_key(str w):
    """``spans._spelling_key``."""
    cdef Py_ssize_t n
    for a, b in _RESPELL:
        w = w.replace(a, b)
    n = len(w)
    if n > 4 and w.endswith("re") and w[n - 3] not in "aeiou":
        w = w[:-2] + "er"
    return w


cdef bint _respelt_word(str a, str b):
    """``spans._respelt_word``."""
    if _variant(a, b) or min(len(a), len(b)) >= 4 and _spelling_key(a) == _spelling_key(b):
        return True
    cdef set la = set()
    for x, _ in inflections(a):
        if len(x) >= 3:
            la.add(x)
    for x, _ in inflections(b):
        if len(x) >= 3 and x in la:
            return True
    return False


def respelt(str a, str b):
    """``spans._py_respelt``: whether ``b`` is ``a`` written differently, not a swap."""
    if a == b:
        return False
    cdef list wa = a.split(), wb = b.split()
    cdef Py_ssize_t i
    if not wa or len(wa) != len(wb):
        return False
    for i in range(len(wa)):
        x, y = wa[i], wb[i]
        if not (x == y or _respelt_word(x, y)):
            return False
    return True


# -- thesaurus candidates (signals/base.py) ------------------------------------------------
def inflect(str lemma, str suffix, dict vocab):
    """``signals.base._py_inflect``: ``lemma`` with the suffix class applied, if the result
    is a known word."""
    cdef tuple forms
    if not suffix:
        return lemma
    if " " in lemma:
        head, _, rest = lemma.partition(" ")
        first = inflect(head, suffix, vocab)
        return f"{first} {rest}" if first else None
    if suffix == "s":
        forms = (lemma + "s", lemma + "es", lemma[:-1] + "ies")
    elif suffix == "ed":
        forms = (lemma + "ed", lemma + "d", lemma[:-1] + "ied", lemma + lemma[-1:] + "ed")
    elif suffix == "ing":
        forms = (lemma + "ing", lemma[:-1] + "ing", lemma + lemma[-1:] + "ing")
    elif suffix == "ly":
        forms = (lemma + "ly", lemma[:-1] + "ily", lemma[:-2] + "ly")
    else:
        raise KeyError(suffix)
    best, best_z = None, None
    for f in forms:
        z = vocab.get(f)
        if z is not None and (best_z is None or z > best_z):
            best, best_z = f, z
    return best


_CLOSED_CLASS = frozenset({"AUX", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART"})
_NO_POS_TAG = ("", 0.0)


# Per reference: {suffix class: {thesaurus neighbour: its inflected form, or None when it is
# closed-class or has no known form}}. A new word's candidates are its lemmas' neighbours
# inflected; neighbouring words share most of their neighbours, so each (neighbour, suffix)
# is inflected once instead of once per word that lists it (three or four look-ups of new
# strings in the Zipf table each). Bounded like the other memo tables.
cdef dict _FORMS = {}
cdef Py_ssize_t _FORMS_MAX = 200_000


cdef dict _forms_for(ref):
    hit = _FORMS.get(id(ref))
    if hit is None or (<tuple>hit)[0] is not ref:
        if len(_FORMS) > 4:
            _FORMS.clear()
        hit = _FORMS[id(ref)] = (ref, {})
    return <dict>(<tuple>hit)[1]


def candidates(str word, ref):
    """``signals.base._py_candidates``: words ``word`` may have replaced, most common first."""
    cdef list out = []
    cdef set seen = {word}
    cdef dict pos = ref.pos, zipf = ref.zipf
    cdef dict forms = _forms_for(ref)
    cdef dict sub
    synonyms = ref.synonyms
    for lemma, suffix in inflections(word):
        v = forms.get(suffix)
        if v is None or len(<dict>v) > _FORMS_MAX:
            v = forms[suffix] = {}
        sub = <dict>v
        for c in _tget(synonyms, lemma, ()):
            form = sub.get(c, _MISSING)
            if form is _MISSING:
                if (<tuple>pos.get(c, _NO_POS_TAG))[0] in _CLOSED_CLASS:
                    form = None
                else:
                    form = inflect(c, suffix, zipf)
                sub[c] = form
            if form and form not in seen:
                seen.add(form)
                out.append(form)
    return out


# -- tokens (tokens.py) and phrase tables (signals/base.py) --------------------------------
# ``pipeline.text.TOKEN``, which :func:`tokens` scans by hand (any other pattern: its finditer).
_TOKEN_SOURCE = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*|[^\w\s]"


cdef inline bint _is_letter(Py_UCS4 ch):
    """``[^\W\d_]`` as ``re`` reads it in a str pattern: a word character (``\w``:
    ``Py_UNICODE_ISALNUM`` or "_") that is neither a digit (``\d``: ``Py_UNICODE_ISDECIMAL``)
    nor "_"."""
    return Py_UNICODE_ISALNUM(ch) and not Py_UNICODE_ISDECIMAL(ch)


def tokens(str text, str low, pattern, tok):
    """``tokens._py_tokens``: the tokens of ``text`` (``tok`` the ``Tok`` class; built as its
    ``__new__`` builds it, a tuple of the five fields).

    For ``pipeline.text.TOKEN`` the text is scanned here, character by character, as ``re``
    matches that pattern (no match object per token): a run of letters with runs joined by
    one of ' ’ -, a run of digits with runs joined by . or ,, or one character that is neither
    a word character nor white space; anything else (white space, "_") is skipped. The three
    alternatives start with disjoint characters and each repetition is greedy with nothing
    after it to backtrack for, so the longest such run is the match."""
    cdef list out = []
    cdef Py_ssize_t a, b, n = len(text)
    cdef Py_UCS4 ch
    if pattern.pattern != _TOKEN_SOURCE or pattern.flags != _re_unicode:
        for m in pattern.finditer(text):
            a, b = m.span()
            out.append(tuple.__new__(tok, (a, b, text[a:b], low[a:b], text[a].isalpha())))
        return out
    a = 0
    while a < n:
        ch = text[a]
        b = a + 1
        if _is_letter(ch):
            while b < n and _is_letter(text[b]):
                b += 1
            while b + 1 < n and (text[b] == u"'" or text[b] == u"’" or text[b] == u"-") \
                    and _is_letter(text[b + 1]):
                b += 2
                while b < n and _is_letter(text[b]):
                    b += 1
        elif Py_UNICODE_ISDECIMAL(ch):
            while b < n and Py_UNICODE_ISDECIMAL(text[b]):
                b += 1
            while b + 1 < n and (text[b] == u"." or text[b] == u",") \
                    and Py_UNICODE_ISDECIMAL(text[b + 1]):
                b += 2
                while b < n and Py_UNICODE_ISDECIMAL(text[b]):
                    b += 1
        elif Py_UNICODE_ISALNUM(ch) or ch == u"_" or Py_UNICODE_ISSPACE(ch):
            a = b
            continue
        out.append(_new_tok(tok, a, b, text[a:b], low[a:b],
                            Py_UNICODE_ISALPHA(ch)))
        a = b
    return out


cdef extern from *:
    """
    /* A new instance of the tuple subclass ``tp`` with ``n`` empty items (its ``tp_alloc``,
       as ``tuple.__new__`` allocates one). */
    static PyObject* aa_tuple_alloc(PyObject* tp, Py_ssize_t n) {
        return ((PyTypeObject*)tp)->tp_alloc((PyTypeObject*)tp, n);
    }
    """
    object aa_tuple_alloc(object tp, Py_ssize_t n)


cdef object _new_tok(object tok, Py_ssize_t a, Py_ssize_t b, str text, str low, bint is_word):
    """``tuple.__new__(tok, (a, b, text, low, is_word))`` without the argument tuple and the
    call: allocated by the type's ``tp_alloc`` and filled as ``tuple.__new__`` fills it."""
    cdef object t = aa_tuple_alloc(tok, 5)
    cdef object x = a   # PyTuple_SET_ITEM steals a reference: each item gets one
    Py_INCREF(x)
    PyTuple_SET_ITEM(t, 0, x)
    x = b
    Py_INCREF(x)
    PyTuple_SET_ITEM(t, 1, x)
    Py_INCREF(text)
    PyTuple_SET_ITEM(t, 2, text)
    Py_INCREF(low)
    PyTuple_SET_ITEM(t, 3, low)
    x = True if is_word else False
    Py_INCREF(x)
    PyTuple_SET_ITEM(t, 4, x)
    return t


cdef inline bint _words_run(list toks, Py_ssize_t i, Py_ssize_t size, Py_ssize_t n):
    """Whether ``toks[i:i + size]`` holds ``size`` tokens (of ``n``), every one a word."""
    cdef Py_ssize_t k
    if i + size > n:
        return False
    for k in range(i, i + size):
        if not (<tuple>toks[k])[4]:
            return False
    return True


def ngram_hits(list toks, dict table, frozenset firsts):
    """``signals.base._py_hits_loop``: (first token, last token, phrase, replacement) of every
    phrase of ``table`` ({length: {phrase: replacement}}) in ``toks`` (``#``: any number)."""
    cdef list hits = []
    cdef Py_ssize_t n_toks = len(toks), i, n, k
    cdef tuple t
    cdef dict phrases
    cdef list keys = []
    cdef bint ok
    for i in range(n_toks):
        t = <tuple>toks[i]
        if t[4]:
            keys.append(t[3])
        elif (<str>t[3]).isdecimal():
            keys.append("#")
        else:
            keys.append(None)
    for i in range(n_toks):
        w = keys[i]
        if w is None or w not in firsts:
            continue
        for n_obj, phrases_obj in table.items():
            n = n_obj
            if i + n > n_toks:
                continue
            ok = True
            for k in range(i, i + n):
                if keys[k] is None:
                    ok = False
                    break
            if not ok:
                continue
            key = w if n == 1 else " ".join(keys[i:i + n])
            phrases = <dict>phrases_obj
            if key in phrases:
                hits.append((i, i + n - 1, key, phrases[key]))
    return hits


# -- phrase counts (spans.py) ---------------------------------------------------------------
def text_phrases(list lows, lengths):
    """``spans._py_text_phrases``: how often each run of ``lengths`` consecutive words of
    ``lows`` (None: not a word) is written, the words joined by spaces."""
    cdef dict out = {}
    cdef Py_ssize_t m = len(lows), n, k, q
    cdef bint ok
    for n_obj in lengths:
        n = n_obj
        for k in range(m - n + 1):
            ok = True
            for q in range(k, k + n):
                if lows[q] is None:
                    ok = False
                    break
            if ok:
                key = " ".join(lows[k:k + n])
                out[key] = out.get(key, 0) + 1
    return out


# -- domain-term windows (terms.py) ---------------------------------------------------------
def term_windows(list toks, dict index, list sizes):
    """``terms._py_windows``: (first token, length, lower-case words) of every window
    ``term_swaps`` examines, in order."""
    cdef list out = []
    cdef Py_ssize_t n = len(toks), i, k, size, count
    cdef tuple t
    for i in range(n):
        t = <tuple>toks[i]
        if not t[4]:
            continue
        if t[3] not in index and (i + 1 >= n or (<tuple>toks[i + 1])[3] not in index):
            continue
        for size_obj in sizes:
            size = size_obj
            if not _words_run(toks, i, size, n):
                continue
            words = tuple([(<tuple>toks[k])[3] for k in range(i, i + size)])
            count = 0
            for w in words:
                if size_obj in index.get(w, ()):
                    count += 1
            if count < size - 1:
                continue
            out.append((i, size_obj, words))
    return out


# -- the compact word model (pipeline/compact.py) ------------------------------------------
cdef struct _Node:
    double threshold
    int32_t feature
    int32_t child[2]      # absolute node indexes: [right, left]; a leaf points to itself
    int32_t missing_left


# Rows walked together, tree by tree: one tree's nodes stay in the L1 cache while the block's
# rows go down it (a row's trees are still added in the model's order).
cdef Py_ssize_t _BLOCK = 64


@cython.boundscheck(False)
@cython.wraparound(False)
def tree_raw(trees, X):
    """``compact.Trees.raw``: the summed tree values of every row of ``X``, tree by tree in
    the same order (so the same float additions).

    The nodes are packed into one array of structs (a step reads one cache line, not six
    arrays), and a leaf points to itself, so every walk takes ``depth + 1`` steps without a
    test for the leaf (the walk ends on the same leaf: no unpredictable branch per step)."""
    import numpy as np

    cdef const double[:, :] x = np.ascontiguousarray(X, dtype=np.float64)
    cdef const int64_t[:] offsets = np.ascontiguousarray(trees.offsets, dtype=np.int64)
    cdef const int64_t[:] feature = np.ascontiguousarray(trees.feature, dtype=np.int64)
    cdef const double[:] threshold = np.ascontiguousarray(trees.threshold, dtype=np.float64)
    cdef const unsigned char[:] missing_left = np.ascontiguousarray(
        trees.missing_left, dtype=np.uint8)
    cdef const int64_t[:] left = np.ascontiguousarray(trees.left, dtype=np.int64)
    cdef const int64_t[:] right = np.ascontiguousarray(trees.right, dtype=np.int64)
    cdef const unsigned char[:] is_leaf = np.ascontiguousarray(trees.is_leaf, dtype=np.uint8)
    cdef const double[:] value = np.ascontiguousarray(trees.value, dtype=np.float64)
    cdef Py_ssize_t depth = trees.depth
    cdef Py_ssize_t n = x.shape[0], n_trees = offsets.shape[0] - 1, r, t, step, r0, r1, k
    cdef Py_ssize_t n_nodes = is_leaf.shape[0]
    # The indexes below come from the model's own arrays (checked once here, not per step).
    if x.shape[0] and x.shape[1] <= max(feature):
        raise ValueError("X has fewer columns than the trees read")
    out = np.empty(n, dtype=np.float64)
    cdef double[:] o = out
    cdef double baseline = trees.baseline
    if n == 0:
        return out
    if x.shape[1] == 0 or n_nodes >= 2 ** 31:
        return _tree_raw_plain(x, offsets, feature, threshold, missing_left, left, right,
                               is_leaf, value, depth, baseline, out)
    packed = np.zeros(n_nodes * sizeof(_Node), dtype=np.uint8)
    cdef unsigned char[:] packed_bytes = packed
    cdef _Node* nodes = <_Node*>&packed_bytes[0]
    cdef int64_t start, node
    for t in range(n_trees):
        start = offsets[t]
        for node in range(start, offsets[t + 1]):
            if is_leaf[node]:
                nodes[node].threshold = 0.0
                nodes[node].feature = 0
                nodes[node].child[0] = <int32_t>node
                nodes[node].child[1] = <int32_t>node
                nodes[node].missing_left = 1
            else:
                nodes[node].threshold = threshold[node]
                nodes[node].feature = <int32_t>feature[node]
                nodes[node].child[0] = <int32_t>(start + right[node])
                nodes[node].child[1] = <int32_t>(start + left[node])
                nodes[node].missing_left = 1 if missing_left[node] else 0
    cdef double v, v1, v2, v3
    cdef int32_t cur, c1, c2, c3
    cdef _Node* nd
    cdef _Node* n1
    cdef _Node* n2
    cdef _Node* n3
    for r in range(n):
        o[r] = 0.0
        o[r] += baseline
    r0 = 0
    while r0 < n:
        r1 = r0 + _BLOCK if r0 + _BLOCK < n else n
        for t in range(n_trees):
            start = offsets[t]
            # Four rows walk the tree side by side: four independent chains of loads for
            # the processor to overlap (each row's walk and its sum are those of one row).
            r = r0
            while r + 4 <= r1:
                cur = c1 = c2 = c3 = <int32_t>start
                for step in range(depth + 1):
                    nd = &nodes[cur]
                    n1 = &nodes[c1]
                    n2 = &nodes[c2]
                    n3 = &nodes[c3]
                    v = x[r, nd.feature]
                    v1 = x[r + 1, n1.feature]
                    v2 = x[r + 2, n2.feature]
                    v3 = x[r + 3, n3.feature]
                    cur = nd.child[(v <= nd.threshold) | ((v != v) & nd.missing_left)]
                    c1 = n1.child[(v1 <= n1.threshold) | ((v1 != v1) & n1.missing_left)]
                    c2 = n2.child[(v2 <= n2.threshold) | ((v2 != v2) & n2.missing_left)]
                    c3 = n3.child[(v3 <= n3.threshold) | ((v3 != v3) & n3.missing_left)]
                o[r] += value[cur]
                o[r + 1] += value[c1]
                o[r + 2] += value[c2]
                o[r + 3] += value[c3]
                r += 4
            k = r
            for r in range(k, r1):
                cur = <int32_t>start
                for step in range(depth + 1):
                    nd = &nodes[cur]
                    v = x[r, nd.feature]
                    # Left when v <= threshold, or v is NaN (never <=) and missing go left;
                    # an index, not a branch the processor would mispredict half the time.
                    cur = nd.child[(v <= nd.threshold) | ((v != v) & nd.missing_left)]
                o[r] += value[cur]
        r0 = r1
    return out


@cython.boundscheck(False)
@cython.wraparound(False)
cdef object _tree_raw_plain(const double[:, :] x, const int64_t[:] offsets,
                            const int64_t[:] feature, const double[:] threshold,
                            const unsigned char[:] missing_left, const int64_t[:] left,
                            const int64_t[:] right, const unsigned char[:] is_leaf,
                            const double[:] value, Py_ssize_t depth, double baseline, out):
    """The walk node by node with a leaf test (no columns to read for a leaf's self-loop)."""
    cdef Py_ssize_t n = x.shape[0], n_trees = offsets.shape[0] - 1, r, t, step
    cdef int64_t start, node
    cdef double v, raw
    cdef bint go_left
    cdef double[:] o = out
    for r in range(n):
        raw = 0.0
        raw += baseline
        for t in range(n_trees):
            start = offsets[t]
            node = start
            for step in range(depth + 1):
                if is_leaf[node]:
                    break
                v = x[r, feature[node]]
                if v != v:   # NaN
                    go_left = missing_left[node]
                else:
                    go_left = v <= threshold[node]
                node = start + (left[node] if go_left else right[node])
            raw += value[node]
        o[r] = raw
    return out
