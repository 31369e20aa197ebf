"""The Keras download cache: where files live, pinned hashes, and fetching with clear errors.

Every file the course downloads is described by a :class:`RemoteFile` and goes
through ``keras.utils.get_file`` into the Keras cache (``$KERAS_HOME/<subdir>``,
``~/.keras/datasets`` by default). A file already in the cache is checked against
its pinned sha256 and never silently replaced.

Example:
    >>> f = RemoteFile("mnist.npz", "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")
    >>> f.path().name
    'mnist.npz'
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dlcourse.data.errors import DataCorruptError, DataMissingError, how_to_fix


def keras_home() -> Path:
    """The Keras cache root: what Keras uses if it is imported, else ``$KERAS_HOME`` or ``~/.keras``."""
    if "keras" in sys.modules:
        try:
            from keras.src.backend import config

            return Path(config.keras_home())
        except (ImportError, AttributeError):  # pragma: no cover - older Keras layouts
            pass
    return Path(os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")))


def sha256sum(path: Path, chunk_size: int = 1 << 20) -> str:
    """The hex sha256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable file: its name in the cache, where it comes from and its pinned sha256."""

    fname: str
    origin: str
    sha256: str | None = None
    cache_subdir: str = "datasets"
    extract: bool = False

    def path(self, cache_dir: Path | str | None = None) -> Path:
        """Where the file lives in the cache."""
        root = Path(cache_dir) if cache_dir is not None else keras_home()
        return root / self.cache_subdir / self.fname

    @property
    def relative_path(self) -> str:
        return f"{self.cache_subdir}/{self.fname}"

    def is_cached(self, cache_dir: Path | str | None = None) -> bool:
        return self.path(cache_dir).is_file()

    def verify(self, dataset: str, cache_dir: Path | str | None = None) -> Path:
        """Check the cached file against its pinned hash; raise :class:`DataCorruptError` on mismatch."""
        path = self.path(cache_dir)
        if self.sha256 is not None:
            found = sha256sum(path)
            if found != self.sha256:
                raise DataCorruptError(
                    f"The cached file {path} is damaged or not the expected version: its sha256 is {found}, "
                    f"but {self.fname} must have sha256 {self.sha256}.\n{how_to_fix(dataset)}"
                )
        return path


def fetch(file: RemoteFile, dataset: str, *, cache_dir: Path | str | None = None, force: bool = False) -> Path:
    """Return the local path of ``file``, downloading it into the Keras cache if needed.

    A cached file with the wrong hash raises :class:`DataCorruptError` (unless
    ``force`` asks to download it again); a missing file that cannot be
    downloaded raises :class:`DataMissingError`. Both name the file and the fix.
    """
    root = Path(cache_dir) if cache_dir is not None else keras_home()
    path = file.path(root)
    if path.is_file() and not force:
        return file.verify(dataset, root)

    import keras

    root.mkdir(parents=True, exist_ok=True)  # get_file falls back to /tmp/.keras for a folder it cannot write
    try:
        downloaded = keras.utils.get_file(
            file.fname,
            origin=file.origin,
            file_hash=file.sha256,
            hash_algorithm="sha256",
            cache_subdir=file.cache_subdir,
            cache_dir=str(root),
            **({"force_download": True} if force else {}),
        )
    except ValueError as exc:  # Keras' "Incomplete or corrupted file detected"
        raise DataCorruptError(
            f"Downloaded {file.fname} from {file.origin}, but it does not match the pinned sha256 "
            f"{file.sha256}: {exc}\n{how_to_fix(dataset)}"
        ) from exc
    except Exception as exc:  # URL errors, no network, interrupted transfer
        raise DataMissingError(
            f"{file.fname} (data set '{dataset}') is not in the Keras cache at {path} and could not be "
            f"downloaded from {file.origin}: {exc}\n{how_to_fix(dataset)}"
        ) from exc
    return Path(downloaded)


def copy_cache(source: Path | str, destination: Path | str | None = None) -> list[Path]:
    """Copy the files of a Keras cache folder (e.g. an offline copy) into another, skipping files present.

    Returns the destination paths that were copied. The copy is made through a
    temporary name and renamed into place, so concurrent callers never see a
    half-written file.

    Example:
        >>> copy_cache("/media/usb/keras", "~/.keras")  # doctest: +SKIP
    """
    source = Path(source).expanduser()
    destination = Path(destination).expanduser() if destination is not None else keras_home()
    if not source.is_dir():
        raise FileNotFoundError(f"copy_cache: source folder {source} does not exist")
    copied = []
    for src in sorted(source.rglob("*")):
        if not src.is_file() or src.name == "keras.json":
            continue
        dst = destination / src.relative_to(source)
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
        os.close(handle)
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
        copied.append(dst)
    return copied
