"""The Keras cache layer: pinned hashes, downloads through keras.utils.get_file, clear errors."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from dlcourse.data import DataCorruptError, DataMissingError, RemoteFile, copy_cache, fetch
from dlcourse.data.text import check_imdb_folder, ensure_imdb, imdb_extracted_dir


def _file(tmp_path: Path, content: bytes, name: str = "numbers.bin") -> tuple[RemoteFile, Path]:
    """A source file on disk and a RemoteFile pointing at it through a file:// URL."""
    source = tmp_path / "server" / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(content)
    return RemoteFile(name, source.as_uri(), hashlib.sha256(content).hexdigest()), source


def test_fetch_downloads_through_keras_get_file_and_checks_the_hash(tmp_path):
    remote, _ = _file(tmp_path, b"0123456789")
    cache = tmp_path / "cache"
    path = fetch(remote, "numbers", cache_dir=cache)
    assert path == cache / "datasets" / "numbers.bin" and path.read_bytes() == b"0123456789"


def test_a_cached_file_is_used_without_downloading(tmp_path):
    remote = RemoteFile("numbers.bin", (tmp_path / "nowhere.bin").as_uri(), hashlib.sha256(b"abc").hexdigest())
    cached = remote.path(tmp_path)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"abc")
    assert fetch(remote, "numbers", cache_dir=tmp_path) == cached


def test_a_corrupt_cached_file_raises_an_error_naming_the_file_and_the_fix(tmp_path):
    remote, _ = _file(tmp_path, b"good data")
    cached = remote.path(tmp_path / "cache")
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"bad data")
    with pytest.raises(DataCorruptError) as error:
        fetch(remote, "numbers", cache_dir=tmp_path / "cache")
    message = str(error.value)
    assert str(cached) in message and remote.sha256 in message
    assert "dlcourse data prefetch numbers" in message and "KERAS_HOME" in message
    assert cached.read_bytes() == b"bad data", "a bad file must never be replaced silently"


def test_force_replaces_a_corrupt_file_when_the_source_is_reachable(tmp_path):
    remote, _ = _file(tmp_path, b"good data")
    cached = remote.path(tmp_path / "cache")
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"bad data")
    assert fetch(remote, "numbers", cache_dir=tmp_path / "cache", force=True).read_bytes() == b"good data"


def test_a_download_with_the_wrong_hash_is_reported_as_corrupt(tmp_path):
    remote, _ = _file(tmp_path, b"tampered")
    wrong = RemoteFile(remote.fname, remote.origin, hashlib.sha256(b"original").hexdigest())
    with pytest.raises(DataCorruptError, match="does not match the pinned sha256"):
        fetch(wrong, "numbers", cache_dir=tmp_path / "cache")


def test_a_missing_file_offline_raises_an_error_naming_the_file_and_the_fix(tmp_path):
    remote = RemoteFile("mnist.npz", (tmp_path / "offline" / "mnist.npz").as_uri(), "0" * 64)
    with pytest.raises(DataMissingError) as error:
        fetch(remote, "mnist", cache_dir=tmp_path / "cache")
    message = str(error.value)
    assert "mnist.npz" in message and "could not be downloaded" in message
    assert "dlcourse data prefetch mnist" in message and "KERAS_HOME" in message
    assert not remote.path(tmp_path / "cache").exists()


def test_copy_cache_copies_missing_files_only(tmp_path):
    source = tmp_path / "usb" / "datasets"
    source.mkdir(parents=True)
    (source / "a.txt").write_text("a")
    (source / "b.txt").write_text("b")
    destination = tmp_path / "home"
    (destination / "datasets").mkdir(parents=True)
    (destination / "datasets" / "a.txt").write_text("local a")
    copied = copy_cache(tmp_path / "usb", destination)
    assert copied == [destination / "datasets" / "b.txt"]
    assert (destination / "datasets" / "a.txt").read_text() == "local a"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        copy_cache(tmp_path / "missing", destination)


def _imdb_archive(cache: Path, per_folder: int, skip: str | None = None) -> None:
    """A tiny aclImdb_v1.tar.gz in the cache, laid out like the real one."""
    target = cache / "datasets" / "aclImdb_v1.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as archive:
        for split in ("train", "test"):
            for label in ("neg", "pos"):
                if f"{split}/{label}" == skip:
                    continue
                for i in range(per_folder):
                    data = f"A {label} review number {i}.<br />Second line.".encode()
                    info = tarfile.TarInfo(f"aclImdb/{split}/{label}/{i}_{7 if label == 'pos' else 2}.txt")
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))


def test_imdb_archive_is_extracted_once_and_its_content_checked(tmp_path):
    _imdb_archive(tmp_path, per_folder=3)
    folder = ensure_imdb(cache_dir=tmp_path, expected_per_folder=3)
    assert folder == imdb_extracted_dir(tmp_path) / "aclImdb"
    assert len(list((folder / "train" / "pos").glob("*.txt"))) == 3
    (tmp_path / "datasets" / "aclImdb_v1.tar.gz").unlink()  # a second call must not need the archive
    assert ensure_imdb(cache_dir=tmp_path, expected_per_folder=3) == folder


def test_an_incomplete_imdb_archive_is_reported(tmp_path):
    _imdb_archive(tmp_path, per_folder=3, skip="test/pos")
    with pytest.raises(DataCorruptError, match="test/pos: 0 reviews, expected 3"):
        ensure_imdb(cache_dir=tmp_path, expected_per_folder=3)
    assert not (imdb_extracted_dir(tmp_path) / ".dlcourse-verified").exists()


def test_imdb_folder_check_counts_every_folder(tmp_path):
    for split in ("train", "test"):
        for label in ("neg", "pos"):
            (tmp_path / split / label).mkdir(parents=True)
            (tmp_path / split / label / "1_1.txt").write_text("x")
    check_imdb_folder(tmp_path, expected_per_folder=1)
    with pytest.raises(DataCorruptError, match="expected 2"):
        check_imdb_folder(tmp_path, expected_per_folder=2)


def test_imdb_offline_without_archive_says_how_to_fix(tmp_path, monkeypatch):
    from dlcourse.data import text

    monkeypatch.setattr(text, "IMDB_ARCHIVE", RemoteFile("aclImdb_v1.tar.gz", (tmp_path / "x.tar.gz").as_uri()))
    with pytest.raises(DataMissingError, match="dlcourse data prefetch imdb_reviews"):
        ensure_imdb(cache_dir=tmp_path / "cache")
