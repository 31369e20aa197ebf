"""Data sets that ``keras.datasets`` provides: MNIST, Fashion-MNIST and Reuters newswires.

Each file is fetched (and its pinned sha256 checked) by :func:`dlcourse.data.cache.fetch`
before the Keras loader reads it from the Keras cache.
"""

from __future__ import annotations

from dlcourse.data.cache import RemoteFile, fetch
from dlcourse.data.registry import RawData, register
from dlcourse.data.splits import Split

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

MNIST_FILES = (
    RemoteFile("mnist.npz", KERAS_ORIGIN + "mnist.npz",
               "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
)
FASHION_MNIST_FILES = tuple(
    RemoteFile(fname, KERAS_ORIGIN + fname, sha256, cache_subdir="datasets/fashion-mnist")
    for fname, sha256 in [
        ("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
        ("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
        ("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        ("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
    ]
)
REUTERS_FILES = (
    RemoteFile("reuters.npz", KERAS_ORIGIN + "reuters.npz",
               "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
)

FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def _fetch_all(files: tuple[RemoteFile, ...], dataset: str) -> None:
    import keras  # noqa: F401  - so the cache location is the one Keras itself reads

    for file in files:
        fetch(file, dataset)


@register("mnist", kind="image", files=MNIST_FILES, quick_limit=2000,
          description="70,000 handwritten digits 0-9, 28x28 grey-scale uint8 (60,000 train / 10,000 test)",
          source="LeCun, Cortes & Burges, keras.datasets.mnist")
def read_mnist(seed: int) -> RawData:
    import keras

    _fetch_all(MNIST_FILES, "mnist")
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return RawData(Split(x_train, y_train), Split(x_test, y_test),
                   class_names=[str(d) for d in range(10)], info={"pixel_range": (0, 255)})


@register("fashion_mnist", kind="image", files=FASHION_MNIST_FILES, quick_limit=2000,
          description="70,000 Zalando clothing images in 10 classes, 28x28 grey-scale uint8",
          source="Xiao, Rasul & Vollgraf (2017), keras.datasets.fashion_mnist")
def read_fashion_mnist(seed: int) -> RawData:
    import keras

    _fetch_all(FASHION_MNIST_FILES, "fashion_mnist")
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    return RawData(Split(x_train, y_train), Split(x_test, y_test),
                   class_names=list(FASHION_CLASSES), info={"pixel_range": (0, 255)})


@register("reuters", kind="sequence", files=REUTERS_FILES, quick_limit=2000,
          description="11,228 Reuters newswires as word-index sequences, 46 topics",
          source="keras.datasets.reuters")
def read_reuters(seed: int, num_words: int | None = 10000, maxlen: int | None = None) -> RawData:
    import keras

    _fetch_all(REUTERS_FILES, "reuters")
    (x_train, y_train), (x_test, y_test) = keras.datasets.reuters.load_data(num_words=num_words, maxlen=maxlen)
    return RawData(Split(x_train, y_train), Split(x_test, y_test),
                   class_names=list(keras.datasets.reuters.get_label_names()),
                   info={"num_words": num_words, "index_from": 3})
