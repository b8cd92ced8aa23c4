"""The product's model hashes its n-grams (session 5, training time): a training run counts the
texts once and reuses the counts for every target and fold. The figures an administrator sees
must be those a plain cross-validation from the texts gives, and the model must still learn."""

import pickle

from tousu.routing import learning

from .data import rows


def _docs_labels():
    data = rows(per_class=20)
    return [learning.prepare(f"{s}\n{d}") for s, d, _ in data], [label for _, _, label in data]


def test_counts_made_once_give_the_figures_of_a_cross_validation_from_the_texts():
    docs, labels = _docs_labels()
    plain = learning.cross_validate(docs, labels, folds=5).as_dict()
    counts = learning.PRODUCT.features().counts(docs)
    reused = learning.cross_validate(docs, labels, folds=5, counts=counts).as_dict()
    assert reused == plain
    assert plain["accuracy"] >= 0.9  # each category has its own words: the model tells them apart


def test_the_hashed_model_suggests_the_category_and_keeps_no_vocabulary():
    docs, labels = _docs_labels()
    router = learning.fit(docs, {"category_1": labels})
    assert router.suggest("装修噪音，半夜有人唱歌")["category_1"][0][0] == "噪音"
    assert router.suggest("多收房费，发票开错")["category_1"][0][0] == "收费结账"
    # hashed columns: nothing in the pickle grows with the training texts' vocabulary
    assert not any(hasattr(v, "vocabulary_") for v in router.features.vectorizers)
    columns = sum(2 ** bits for bits in learning.PRODUCT.hash_bits)
    # three classes' float32 coefficients and the float64 IDF weights of each column, little else
    assert len(pickle.dumps(router)) < columns * (3 * 4 + 8) + 200_000


def test_a_unit_model_keeps_half_the_columns_and_still_suggests_the_unit():
    """Session 5 (h6): a unit target (a row of coefficients per unit) learns on the hashed columns
    folded into fewer bits, so a loaded model with a hundred units stays under 200 MB."""
    docs, labels = _docs_labels()
    router = learning.fit(docs, {"category_1": labels, "unit": labels}, narrow=("unit",))
    wide, narrow = router.scorers["category_1"].model.coef_, router.scorers["unit"].model.coef_
    assert narrow.shape[1] == sum(2 ** bits for bits in learning.PRODUCT.narrow_bits)
    assert narrow.shape[1] * 2 <= wide.shape[1]
    assert router.suggest("装修噪音，半夜有人唱歌")["unit"][0][0] == "噪音"
    assert router.suggest("多收房费，发票开错")["unit"][0][0] == "收费结账"
    # the figures of the unit's cross-validation are those of its folded columns, still learnt
    assert learning.cross_validate(docs, labels, folds=5, narrow=True).accuracy >= 0.9


def test_folding_the_columns_is_hashing_into_fewer_bits():
    import dataclasses

    docs, _labels = _docs_labels()
    wide = learning.PRODUCT.features().counts(docs)
    fewer = dataclasses.replace(learning.PRODUCT, hash_bits=learning.PRODUCT.narrow_bits).features().counts(docs)
    import scipy.sparse as sp

    folded = learning.fold(sp.hstack(wide, format="csr"), learning.PRODUCT.hash_bits, learning.PRODUCT.narrow_bits)
    assert (folded != sp.hstack(fewer, format="csr")).nnz == 0


def test_a_text_repeated_in_the_history_is_cut_into_words_once(monkeypatch):
    cut = []
    real = learning.prepare
    monkeypatch.setattr(learning, "prepare", lambda text: cut.append(text) or real(text))
    texts = ["房间有噪音", "发票开错", "房间有噪音", "房间有噪音"]
    docs = learning.prepare_all(texts)
    assert cut == ["房间有噪音", "发票开错"]
    assert docs == [real(t) for t in texts]
    counts = learning.PRODUCT.features().counts(docs)
    assert (counts[0][0] != counts[0][2]).nnz == 0 and counts[0].shape[0] == 4


def test_a_history_that_repeats_its_texts_teaches_what_the_repeated_rows_teach():
    docs, labels = _docs_labels()
    # the same complaint filed three times (a form letter): learnt once, weighted three times
    rows, weight = learning.collapse(docs + docs[:5] * 2, labels + labels[:5] * 2)
    assert rows == learning.collapse(docs, labels)[0] and sum(weight) == len(docs) + 10
    assert all(w >= 3.0 for w in weight[:5])
    repeated = learning.fit(docs + docs[:5] * 2, {"category_1": labels + labels[:5] * 2})
    import numpy as np

    from sklearn.svm import LinearSVC

    config = learning.PRODUCT
    X = config.features().fit_transform(docs + docs[:5] * 2)
    plain = LinearSVC(C=config.C, tol=config.tol, max_iter=config.max_iter).fit(X, labels + labels[:5] * 2)
    for text in ("装修噪音，半夜有人唱歌", "多收房费，发票开错", docs[0]):
        assert repeated.suggest(text)["category_1"][0][0] == plain.predict(repeated.features.transform([learning.prepare(text)]))[0]
    assert np.allclose(repeated.scorers["category_1"].model.coef_, plain.coef_, atol=0.05)


def test_the_classes_learnt_on_two_threads_are_those_one_svm_learns(monkeypatch):
    """A target with many classes (the units) is fitted one class per thread: the scores must be
    those of LinearSVC's own one-vs-rest."""
    import numpy as np

    docs, labels = _docs_labels()
    monkeypatch.setattr(learning, "THREADS", 2)
    monkeypatch.setattr(learning, "PARALLEL_CLASSES", 100)
    alone = learning.fit(docs, {"unit": labels}).scorers["unit"]
    monkeypatch.setattr(learning, "PARALLEL_CLASSES", 2)
    threaded = learning.fit(docs, {"unit": labels}).scorers["unit"]
    assert threaded.classes == alone.classes and len(alone.classes) >= 3
    assert np.allclose(threaded.model.coef_, alone.model.coef_, atol=0.02)
    X = learning.PRODUCT.features().fit_transform(docs)
    assert (threaded.shares(X).argmax(axis=1) == alone.shares(X).argmax(axis=1)).all()
    # laid out as liblinear's own: otherwise each suggestion copies the whole matrix (50 ms at 97 units)
    assert threaded.model.coef_.flags.f_contiguous
