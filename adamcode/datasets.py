"""Data sets shipped inside the package (no download needed).

``iris()`` -- Fisher's Iris data (R. A. Fisher, 1936; collected by E. Anderson), 150 flowers,
4 measurements in cm (sepal length, sepal width, petal length, petal width) and 3 classes
(0 = setosa, 1 = versicolor, 2 = virginica), 50 of each. Source: UCI Machine Learning
Repository, "Iris", https://doi.org/10.24432/C56C76, licensed CC BY 4.0; the file
``adamcode/data/iris.csv`` is the copy distributed with scikit-learn
(``sklearn/datasets/data/iris.csv``), see ``adamcode/data/README.md``.
"""
from __future__ import annotations

import csv

import numpy as np

IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


def iris() -> tuple[np.ndarray, np.ndarray]:
    """The Iris data as ``(X, y)``: ``X`` float64 of shape (150, 4) in cm, ``y`` int64 labels 0, 1, 2.

    Columns of ``X`` are ``IRIS_FEATURES``; label ``k`` is ``IRIS_CLASSES[k]``.
    """
    from importlib import resources  # here, not at import time: it costs ~40 ms of import adamcode

    with resources.files("adamcode").joinpath("data/iris.csv").open("r", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if tuple(header[:4]) != IRIS_FEATURES:  # pragma: no cover - guards a corrupted package file
        raise ValueError(f"unexpected header in iris.csv: {header}")
    X = np.array([[float(x) for x in row[:4]] for row in body])
    y = np.array([int(row[4]) for row in body], dtype=np.int64)
    return X, y
