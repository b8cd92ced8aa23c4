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
