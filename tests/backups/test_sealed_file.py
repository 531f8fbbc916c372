"""The sealed file format on its own: chunks, keys, and every kind of tampering."""

import io

import pytest

from backups import sealed_file
from backups.sealed_file import BackupRefused, SealedWriter, read_sealed

KEY = "a-backup-key-for-these-tests-0123456789abc"
OTHER = "another-backup-key-for-these-tests-987654"


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(sealed_file, "CHUNK_BYTES", 64)


def _seal(data: bytes, key=KEY) -> bytes:
    out = io.BytesIO()
    writer = SealedWriter(out, key)
    writer.write(data)
    writer.close()
    return out.getvalue()


def _open(sealed: bytes, key=KEY) -> bytes:
    return b"".join(read_sealed(io.BytesIO(sealed), key, "the file"))


def test_it_round_trips_over_many_chunks_and_hides_the_content():
    data = b"Maya Quinn: child protection plan. " * 40
    sealed = _seal(data)
    assert _open(sealed) == data
    assert b"Maya" not in sealed
    assert _seal(data) != sealed  # a fresh salt, so a fresh key, each time


def test_an_empty_file_round_trips():
    assert _open(_seal(b"")) == b""


def test_another_key_is_named_not_called_damage():
    with pytest.raises(BackupRefused, match="different BACKUP_KEY"):
        _open(_seal(b"x" * 200), OTHER)


def test_every_single_changed_byte_is_refused():
    sealed = _seal(b"y" * 150)
    for at in range(len(sealed)):
        changed = bytearray(sealed)
        changed[at] ^= 0x80
        with pytest.raises(BackupRefused):
            _open(bytes(changed))


@pytest.mark.parametrize("cut", [1, 20, 90])
def test_a_file_cut_short_is_refused(cut):
    sealed = _seal(b"z" * 200)
    with pytest.raises(BackupRefused, match="cut short|altered"):
        _open(sealed[:-cut])


def test_data_after_the_end_is_refused():
    with pytest.raises(BackupRefused, match="after its end"):
        _open(_seal(b"z" * 100) + b"more")


def test_a_short_key_is_refused():
    with pytest.raises(BackupRefused, match="at least 32 characters"):
        _seal(b"x", "short")
