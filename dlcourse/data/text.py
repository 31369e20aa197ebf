"""Raw-text data sets: the IMDB movie reviews and Tiny Shakespeare.

The IMDB archive is extracted once into the Keras cache and its content checked
(12,500 reviews in each of train/test x pos/neg); later loads reuse it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dlcourse.data.cache import RemoteFile, fetch, keras_home
from dlcourse.data.errors import DataCorruptError, DataMissingError, how_to_fix
from dlcourse.data.registry import RawData, register
from dlcourse.data.splits import Split

IMDB_ARCHIVE = RemoteFile("aclImdb_v1.tar.gz", "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
                          sha256=None, extract=True)
IMDB_REVIEWS_PER_FOLDER = 12500
IMDB_CLASSES = ["neg", "pos"]
_VERIFIED_MARKER = ".dlcourse-verified"

SHAKESPEARE_FILE = RemoteFile(
    "shakespeare.txt", "https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt",
    "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed")


def imdb_extracted_dir(cache_dir: Path | str | None = None) -> Path:
    """Where ``keras.utils.get_file(..., extract=True)`` puts the extracted reviews."""
    root = Path(cache_dir) if cache_dir is not None else keras_home()
    return root / IMDB_ARCHIVE.cache_subdir / "aclImdb_v1_extracted"


def check_imdb_folder(root: Path, expected_per_folder: int = IMDB_REVIEWS_PER_FOLDER) -> None:
    """Raise :class:`DataCorruptError` unless ``root`` (an ``aclImdb`` folder) holds every labelled review."""
    problems = []
    for split in ("train", "test"):
        for label in IMDB_CLASSES:
            folder = root / split / label
            count = sum(1 for _ in folder.glob("*.txt")) if folder.is_dir() else 0
            if count != expected_per_folder:
                problems.append(f"{split}/{label}: {count} reviews, expected {expected_per_folder}")
    if problems:
        raise DataCorruptError(
            f"The extracted IMDB reviews in {root} are incomplete ({'; '.join(problems)}). Delete "
            f"{root.parent} and {IMDB_ARCHIVE.path(root.parent.parent.parent)} and fetch the archive again.\n"
            + how_to_fix("imdb_reviews"))


def ensure_imdb(cache_dir: Path | str | None = None, expected_per_folder: int = IMDB_REVIEWS_PER_FOLDER) -> Path:
    """Download and extract the IMDB archive once, check its content, and return the ``aclImdb`` folder."""
    import keras

    root = Path(cache_dir) if cache_dir is not None else keras_home()
    extracted = imdb_extracted_dir(root)
    if (extracted / _VERIFIED_MARKER).is_file():
        return extracted / "aclImdb"
    root.mkdir(parents=True, exist_ok=True)  # get_file falls back to /tmp/.keras for a folder it cannot write
    try:
        path = keras.utils.get_file(IMDB_ARCHIVE.fname, origin=IMDB_ARCHIVE.origin, extract=True,
                                    cache_subdir=IMDB_ARCHIVE.cache_subdir, cache_dir=str(root))
    except Exception as exc:
        raise DataMissingError(
            f"{IMDB_ARCHIVE.fname} (data set 'imdb_reviews') is not in the Keras cache at "
            f"{IMDB_ARCHIVE.path(root)} and could not be downloaded from {IMDB_ARCHIVE.origin}: {exc}\n"
            + how_to_fix("imdb_reviews")) from exc
    folder = Path(path) / "aclImdb"
    check_imdb_folder(folder, expected_per_folder)
    (Path(path) / _VERIFIED_MARKER).write_text(f"{4 * expected_per_folder} labelled reviews checked\n")
    return folder


def list_imdb_reviews(root: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Paths of the reviews of one split (sorted, so deterministic) and their labels (0 = neg, 1 = pos)."""
    paths, labels = [], []
    for label, name in enumerate(IMDB_CLASSES):
        files = sorted(str(p) for p in (root / split / name).glob("*.txt"))
        paths.extend(files)
        labels.extend([label] * len(files))
    return np.asarray(paths, dtype=object), np.asarray(labels, dtype=np.int64)


def read_texts(paths: np.ndarray) -> np.ndarray:
    """The contents of text files, as an array of Python strings (HTML line breaks become spaces)."""
    texts = [Path(p).read_text(encoding="utf-8").replace("<br />", " ") for p in paths]
    return np.asarray(texts, dtype=object)


def _ensure_imdb_default() -> Path:
    return ensure_imdb()


@register("imdb_reviews", kind="text", files=(IMDB_ARCHIVE,), quick_limit=1000, materialize=read_texts,
          ensure=_ensure_imdb_default,
          description="50,000 raw IMDB movie reviews (text), positive or negative, 25,000 train / 25,000 test",
          source="Maas et al. (2011), Large Movie Review Dataset v1.0")
def read_imdb_reviews(seed: int) -> RawData:
    root = ensure_imdb()
    train, test = (Split(*list_imdb_reviews(root, split)) for split in ("train", "test"))
    return RawData(train, test, class_names=list(IMDB_CLASSES), info={"text": "raw review text"})


@register("shakespeare", kind="text", files=(SHAKESPEARE_FILE,), quick_limit=100_000, stratify=False,
          val_fraction=0.05,
          description="Tiny Shakespeare: 1,115,394 characters of plays, for character-level language models",
          source="Karpathy's char-rnn data, TensorFlow text-generation tutorial")
def read_shakespeare(seed: int) -> RawData:
    import keras  # noqa: F401  - so the cache location is the one Keras itself reads

    text = fetch(SHAKESPEARE_FILE, "shakespeare").read_text(encoding="utf-8")
    cut = int(len(text) * 0.95)
    return RawData(Split(text[:cut], None), Split(text[cut:], None),
                   info={"vocabulary": sorted(set(text))})
