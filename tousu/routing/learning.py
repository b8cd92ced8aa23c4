"""Learning to suggest a label (a category level, a handling unit) from a complaint's text:
TF-IDF of character n-grams and of jieba words, one linear model per target (scikit-learn).

`CONFIGS` holds the product's model and the baseline the issue names (default TF-IDF of
character pairs and jieba words with logistic regression), so the benchmark and
`tousu routing evaluate --baseline` measure both the same way. No Django here."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np

MIN_CLASSES = 2
SEPARATOR = "\x00"


def _words(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(text) if w.strip()]


def prepare(text: str) -> str:
    """The text and its jieba words, joined so one document feeds both vectorizers."""
    return text + SEPARATOR + " ".join(_words(text))


def prepare_all(texts: list[str]) -> list[str]:
    """`prepare` of each text, each distinct text cut by jieba once (past complaints repeat: a
    form letter, a copied subject)."""
    done: dict[str, str] = {}
    return [done[t] if t in done else done.setdefault(t, prepare(t)) for t in texts]


def _raw(doc: str) -> str:
    return doc.split(SEPARATOR, 1)[0]


class _WordGrams:
    """The jieba words of a prepared document, and their neighbouring pairs when `n` is 2."""

    def __init__(self, n: int):
        self.n = n

    def __call__(self, doc: str) -> list[str]:
        words = doc.split(SEPARATOR, 1)[1].split() if SEPARATOR in doc else []
        grams = list(words)
        if self.n > 1:
            grams += [a + " " + b for a, b in zip(words, words[1:])]
        return grams


@dataclass(frozen=True)
class Config:
    name: str
    char_ngrams: tuple[int, int]
    word_n: int
    sublinear: bool
    min_df: int
    max_char_features: int | None
    max_word_features: int | None
    classifier: str  # "svc" (LinearSVC) or "logistic"
    # Hashed n-grams (2**bits columns per block) instead of a learnt vocabulary: no vocabulary to
    # build, count or cap, so a text is cut into n-grams once per training, however many
    # targets and folds are fitted on it (docs/performance.md, session 5).
    hash_bits: tuple[int, int] | None = None
    C: float = 0.5  # the SVM's regularisation: smaller, smoother margins (a better top 3) and faster
    # Fewer columns for the targets `fit` is told are many-classed (a unit model keeps a row of
    # coefficients per unit): the hashed columns folded into 2**bits (exactly the hash at fewer bits).
    narrow_bits: tuple[int, int] | None = None
    max_iter: int = 1000  # the SVM's passes over the rows, at most (per class)
    tol: float = 1e-4  # the SVM's stopping tolerance

    def features(self):
        if self.hash_bits:
            return HashedFeatures(self)
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        return FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char", preprocessor=_raw, ngram_range=self.char_ngrams,
                                      sublinear_tf=self.sublinear, min_df=self.min_df,
                                      max_features=self.max_char_features, dtype=np.float32)),
            ("words", TfidfVectorizer(analyzer=_WordGrams(self.word_n), sublinear_tf=self.sublinear,
                                      min_df=self.min_df, max_features=self.max_word_features,
                                      dtype=np.float32)),
        ])

    def model(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        if self.classifier == "svc":
            return LinearSVC(C=self.C, max_iter=self.max_iter, tol=self.tol, random_state=0)
        return LogisticRegression(max_iter=300)


class HashedFeatures:
    """Hashed counts of character n-grams and of jieba words (and pairs), each block weighted by
    TF-IDF learnt from the training rows. The counts need nothing learnt: `counts` once, then
    `fit_counts` and `weigh` any rows of them (a fold, a target's labelled rows)."""

    def __init__(self, config: "Config"):
        from sklearn.feature_extraction.text import HashingVectorizer

        chars, words = config.hash_bits
        self.sublinear = config.sublinear
        self.vectorizers = [
            HashingVectorizer(analyzer="char", preprocessor=_raw, ngram_range=config.char_ngrams,
                              alternate_sign=False, norm=None, n_features=2 ** chars, dtype=np.float32),
            HashingVectorizer(analyzer=_WordGrams(config.word_n), alternate_sign=False, norm=None,
                              n_features=2 ** words, dtype=np.float32),
        ]
        self.weights = []

    def counts(self, docs: list[str]) -> list:
        """Each block's counts, one row per doc; a doc repeated is counted once."""
        first: dict[str, int] = {}
        rows = np.array([first.setdefault(d, len(first)) for d in docs])
        distinct = list(first)
        blocks = [v.transform(distinct) for v in self.vectorizers]
        return blocks if len(distinct) == len(docs) else [b[rows] for b in blocks]

    def fit_counts(self, blocks: list) -> "HashedFeatures":
        from sklearn.feature_extraction.text import TfidfTransformer

        self.weights = [TfidfTransformer(sublinear_tf=self.sublinear).fit(b) for b in blocks]
        return self

    def weigh(self, blocks: list):
        import scipy.sparse as sp

        return sp.hstack([w.transform(b) for w, b in zip(self.weights, blocks)], format="csr", dtype=np.float32)

    def fit(self, docs: list[str]) -> "HashedFeatures":
        return self.fit_counts(self.counts(docs))

    def transform(self, docs: list[str]):
        return self.weigh(self.counts(docs))

    def fit_transform(self, docs: list[str]):
        blocks = self.counts(docs)
        return self.fit_counts(blocks).weigh(blocks)


def fold(X, bits: tuple[int, int], into: tuple[int, int]):
    """Hashed rows of `bits` (character, word) columns folded into `into` columns: column i of a
    block becomes i mod 2**into, which is what hashing at fewer bits gives (the hash is taken
    modulo a power of two)."""
    import scipy.sparse as sp

    chars, chars_into = 2 ** bits[0], 2 ** into[0]
    idx = X.indices.astype(np.int64)
    columns = np.where(idx < chars, idx % chars_into, chars_into + (idx - chars) % 2 ** into[1])
    out = sp.csr_matrix((X.data, columns, X.indptr), shape=(X.shape[0], chars_into + 2 ** into[1]))
    out.sum_duplicates()
    return out


def rows_of(blocks: list, rows) -> list:
    return [b[rows] for b in blocks]


# The vocabularies are capped so the loaded model stays small (a unit model has a row of
# coefficients per unit): 150,000 features x 100 units x 4 bytes is 60 MB.
# The product's: hashed into 2**18 character and 2**16 word columns (327,680 float32 coefficients,
# 1.25 MB, per class and unit), no vocabulary kept; C = 0.15 chosen on the two benchmark sets
# (docs/performance.md, session 5: 0.5 lost on top-3 to the baseline, 0.1 on macro-F1).
# Session 5 (h6): the unit target (a row per unit) folded into 2**17 + 2**15 columns, half the
# memory; the SVM stops at tolerance 0.1 (default 1e-4): on the shopping set the same figures
# to the fourth decimal, on 100k bench cases a third fewer passes.
PRODUCT = Config("hashed-chars13-words12-linearsvc", (1, 3), 2, True, 1, None, None, "svc", (18, 16), 0.15,
                 narrow_bits=(17, 15), tol=0.1)
# The product's model before session 5 (a learnt, capped vocabulary), kept for the benchmark.
VOCABULARY = Config("tfidf-chars13-words12-linearsvc", (1, 3), 2, True, 2, 100_000, 50_000, "svc")
BASELINE = Config("baseline-tfidf-chars12-words-logistic", (1, 2), 1, False, 1, None, None, "logistic")
CONFIGS = {c.name: c for c in (PRODUCT, VOCABULARY, BASELINE)}


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores * 3.0)  # LinearSVC margins are small: sharpened into shares that sum to 1
    return e / e.sum(axis=1, keepdims=True)


class Scorer:
    """One target's classifier over shared features."""

    def __init__(self, model, fold: tuple | None = None):
        self.model = model
        self.classes = list(model.classes_)
        self.fold = fold  # (bits, into) when the model learnt folded columns

    def columns(self, X):
        folding = getattr(self, "fold", None)  # a model pickled before session 5 (h6) has none
        return fold(X, *folding) if folding else X

    def shares(self, X) -> np.ndarray:
        """Each class's share of the confidence, per row (summing to 1)."""
        X = self.columns(X)
        if hasattr(self.model, "predict_proba"):
            return self.model.predict_proba(X)
        scores = self.model.decision_function(X)
        if scores.ndim == 1:
            scores = np.column_stack([-scores, scores])
        return _softmax(np.asarray(scores, dtype=np.float64))

    def compact(self):
        """Coefficients as float32: half the memory, the same ranking."""
        coef = getattr(self.model, "coef_", None)
        if coef is not None:
            self.model.coef_ = coef.astype(np.float32)
            self.model.intercept_ = self.model.intercept_.astype(np.float32)
        return self


class Router:
    """Features fitted once, a scorer per target (e.g. category_1, category_2, unit)."""

    def __init__(self, config: Config, features, scorers: dict[str, Scorer]):
        self.config = config
        self.features = features
        self.scorers = scorers

    def suggest(self, text: str, k: int = 3) -> dict[str, list[tuple[str, float]]]:
        X = self.features.transform([prepare(text)])
        out = {}
        for target, scorer in self.scorers.items():
            shares = scorer.shares(X)[0]
            best = np.argsort(-shares)[:k]
            out[target] = [(scorer.classes[i], round(float(shares[i]), 3)) for i in best]
        return out


def _slim(features):
    """Drop what a fitted vectorizer keeps only for inspection: `stop_words_` lists every n-gram
    cut by min_df or the cap (millions), most of a pickled model's size otherwise."""
    for _name, vectorizer in getattr(features, "transformer_list", ()):
        vectorizer.stop_words_ = None
    return features


def collapse(docs: list[str], labels: list[str]) -> tuple[list[int], list[float]]:
    """The rows to learn from, a (text, label) pair once, weighted by how often it occurs: the
    SVM's objective is the same (a row's loss counted that many times), the passes shorter when a
    history repeats a text (a form letter, a copied subject)."""
    first: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    weight: list[float] = []
    for i, key in enumerate(zip(docs, labels)):
        if key in first:
            weight[first[key]] += 1.0
        else:
            first[key] = len(rows)
            rows.append(i)
            weight.append(1.0)
    return rows, weight


# One-vs-rest SVMs of a target with at least this many classes are fitted on THREADS threads
# (liblinear runs without the GIL): a unit target has a class per unit.
PARALLEL_CLASSES = 8
THREADS = min(2, os.cpu_count() or 1)


def _learn(config: Config, X, docs: list[str], labels: list[str]):
    rows, weight = collapse(docs, labels)
    y = np.array([labels[i] for i in rows])
    sample_weight = None
    if len(rows) < len(labels):
        X, sample_weight = X[rows], np.asarray(weight)
    classes = sorted(set(y))
    if config.classifier != "svc" or len(classes) < PARALLEL_CLASSES or THREADS < 2:
        return config.model().fit(X, y, sample_weight=sample_weight)
    return _one_vs_rest(config, X, y, classes, sample_weight)


def _one_vs_rest(config: Config, X, y: np.ndarray, classes: list[str], sample_weight):
    """What LinearSVC's one-vs-rest learns (a binary SVM per class, the class against the rest),
    the classes shared out over THREADS threads, gathered into one LinearSVC."""
    from concurrent.futures import ThreadPoolExecutor

    X = X.astype(np.float64)  # liblinear's type: converted once, not once per class

    def one(label):
        binary = config.model().fit(X, (y == label).astype(np.int8), sample_weight=sample_weight)
        return binary.coef_[0], binary.intercept_[0], binary.n_iter_

    with ThreadPoolExecutor(THREADS) as pool:
        parts = list(pool.map(one, classes))
    model = config.model()
    # column-major as liblinear's own: a row times coef_.T then reads no copy of the matrix
    model.coef_ = np.asfortranarray(np.vstack([coef for coef, _i, _n in parts]))
    model.intercept_ = np.array([intercept for _c, intercept, _n in parts])
    model.classes_ = np.array(classes)
    model.n_features_in_ = X.shape[1]
    model.n_iter_ = max(n for _c, _i, n in parts)
    return model


def narrowing(config: Config) -> tuple | None:
    """(bits, into) for a narrow target's columns, or None when the config keeps every column."""
    return (config.hash_bits, config.narrow_bits) if config.hash_bits and config.narrow_bits else None


def fit(docs: list[str], targets: dict[str, list[str]], config: Config = PRODUCT, *, counts=None,
        narrow=()) -> Router:
    """`docs` prepared (`prepare`); each target's labels beside them ("" = unknown, left out).
    `counts`: the hashed counts of `docs` (HashedFeatures.counts), when already made. The targets
    in `narrow` learn on the config's `narrow_bits` columns."""
    features = config.features()
    if isinstance(features, HashedFeatures):
        blocks = counts if counts is not None else features.counts(docs)
        X = features.fit_counts(blocks).weigh(blocks)
    else:
        features = _slim(features.fit(docs))
        X = features.transform(docs)
    scorers = {}
    for target, labels in targets.items():
        keep = [i for i, label in enumerate(labels) if label]
        if len({labels[i] for i in keep}) < MIN_CLASSES:
            continue
        folding = narrowing(config) if target in narrow else None
        rows = X[keep]
        model = _learn(config, fold(rows, *folding) if folding else rows, [docs[i] for i in keep],
                       [labels[i] for i in keep])
        scorers[target] = Scorer(model, folding).compact()
    return Router(config, features, scorers)


@dataclass
class Quality:
    macro_f1: float
    accuracy: float
    top3: float
    size: int
    per_class: list[dict]  # label, precision, recall, f1, support

    def as_dict(self) -> dict:
        return {"macro_f1": round(self.macro_f1, 4), "accuracy": round(self.accuracy, 4),
                "top3": round(self.top3, 4), "size": self.size, "per_class": self.per_class}


def cross_validate(docs: list[str], labels: list[str], *, folds: int = 5, config: Config = PRODUCT,
                   seed: int = 0, counts=None, narrow: bool = False) -> Quality:
    """Stratified k-fold: every row predicted once by a model that did not see it. With hashed
    features the texts are counted once (or `counts` given) and each fold learns its own TF-IDF
    weights from its training rows only."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold

    y = np.array(labels)
    predicted = np.empty(len(y), dtype=object)
    in_top3 = np.zeros(len(y), dtype=bool)
    hashed = bool(config.hash_bits)
    folding = narrowing(config) if narrow else None
    if hashed and counts is None:
        counts = config.features().counts(docs)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(docs, y):
        features = config.features()
        if hashed:
            features.fit_counts(rows_of(counts, train))
            A, B = features.weigh(rows_of(counts, train)), features.weigh(rows_of(counts, test))
        else:
            A = features.fit_transform([docs[i] for i in train])
            B = features.transform([docs[i] for i in test])
        if folding:
            A, B = fold(A, *folding), fold(B, *folding)
        scorer = Scorer(_learn(config, A, [docs[i] for i in train], list(y[train])))
        shares = scorer.shares(B)
        classes = np.array(scorer.classes)
        order = np.argsort(-shares, axis=1)[:, :3]
        predicted[test] = classes[order[:, 0]]
        in_top3[test] = [y[i] in classes[row] for i, row in zip(test, order)]
    names = sorted(set(y))
    p, r, f, s = precision_recall_fscore_support(y, predicted.astype(str), labels=names, zero_division=0)
    per_class = [{"label": n, "precision": round(float(a), 3), "recall": round(float(b), 3),
                  "f1": round(float(c), 3), "support": int(d)} for n, a, b, c, d in zip(names, p, r, f, s)]
    return Quality(float(f1_score(y, predicted.astype(str), average="macro")),
                   float(accuracy_score(y, predicted.astype(str))), float(in_top3.mean()), len(y), per_class)
