"""Results kept on disk between the processes of a render: reused only for the same call and code."""

from __future__ import annotations

import ast

import numpy as np

from gdsim import digests, stored

CALLS = []


def _square(x, power=2):
    CALLS.append(x)
    return np.arange(3.0) * x**power


def test_a_result_is_computed_once_then_read_back_in_a_fresh_process(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "RESULTS", tmp_path)
    CALLS.clear()
    square = stored.stored(_square)
    first = square(3.0)
    square.cache_clear()  # a new process: nothing in memory, the file on disk
    again = square(3.0)
    assert CALLS == [3.0] and np.array_equal(first, again) and len(list(tmp_path.glob("*.pickle"))) == 1
    assert np.array_equal(square(3.0, power=3), np.arange(3.0) * 27) and CALLS == [3.0, 3.0]


def test_the_key_changes_with_the_arguments_and_the_code(monkeypatch):
    square = stored.stored(_square)
    base = stored.key(_square, ((2.0,), ()))
    assert base != stored.key(_square, ((2.5,), ())) and base == stored.key(square.__wrapped__, ((2.0,), ()))
    from gdsim.chapters import edge_of_stability

    run = edge_of_stability.run.__wrapped__
    before = stored.key(run, ((0.2,), ()))
    real = digests.read

    def read(name: str) -> digests.Module:
        """The sharpness module as if its power iteration had been edited."""
        found = real(name)
        if name != "gdsim.sharpness":
            return found
        edited = {name: ast.parse(f"def {name}(*args):\n    return 0\n").body if name == "top_eigenvalue" else code
                  for name, code in found.definitions.items()}
        return digests.Module(found.name, edited, found.imports, found.imported, found.other)

    monkeypatch.setattr(digests, "read", read)
    digests.forget()
    assert "top_eigenvalue" in digests.read("gdsim.sharpness").definitions
    assert stored.key(run, ((0.2,), ())) != before, "a change in code the run calls must re-key it"
    monkeypatch.setattr(digests, "read", real)
    digests.forget()
    assert stored.key(run, ((0.2,), ())) == before


def test_a_damaged_file_is_recomputed_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "RESULTS", tmp_path)
    CALLS.clear()
    square = stored.stored(_square)
    square(4.0)
    (path,) = tmp_path.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    square.cache_clear()
    assert np.array_equal(square(4.0), np.arange(3.0) * 16) and CALLS == [4.0, 4.0]
    assert not list(tmp_path.glob(".*.tmp"))


def test_no_bit_flipped_anywhere_in_a_stored_file_is_ever_served(tmp_path, monkeypatch, capsys):
    """Oracle: the value computed afresh. Every one of 400 single-bit flips, at random places of the
    file (its digest line, the separator, the pickle), is caught: the run is computed again, the file
    replaced, and one line names it; a flip is never served as a number."""
    monkeypatch.setattr(stored, "RESULTS", tmp_path)
    square = stored.stored(_square)
    truth = square(5.0)
    (path,) = tmp_path.glob("*.pickle")
    original = path.read_bytes()
    rng = np.random.default_rng(0)
    for position, bit in zip(rng.integers(0, len(original), 400), rng.integers(0, 8, 400)):
        damaged = bytearray(original)
        damaged[position] ^= 1 << int(bit)
        path.write_bytes(bytes(damaged))
        square.cache_clear()
        CALLS.clear()
        assert np.array_equal(square(5.0), truth) and CALLS == [5.0], f"flip at byte {position} was served"
        assert path.read_bytes() == original, "the damaged file is replaced"
        assert capsys.readouterr().err.count(str(path)) == 1, "one line names the damaged file"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_write_that_fails_leaves_nothing_behind(tmp_path, monkeypatch):
    """A full disk at the rename, or mid-write: the value is still returned, and no file stays."""
    monkeypatch.setattr(stored, "RESULTS", tmp_path)
    square = stored.stored(_square)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stored.os, "replace", full)
    assert np.array_equal(square(6.0), np.arange(3.0) * 36)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setattr(stored, "RESULTS", tmp_path)
    real = stored.tempfile.NamedTemporaryFile

    class Full:
        """A temporary file whose write fails after the file was made."""

        def __init__(self, **kwargs):
            self.handle = real(**kwargs)
            self.name = self.handle.name

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(stored.tempfile, "NamedTemporaryFile", Full)
    square.cache_clear()
    assert np.array_equal(square(7.0), np.arange(3.0) * 49)
    assert list(tmp_path.iterdir()) == []


def _blas_threads():
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_a_run_is_computed_on_one_blas_thread_however_the_process_started(tmp_path, monkeypatch):
    """A threaded product may sum in another order: the stored edge-of-stability run ended
    elsewhere when a test process (no OPENBLAS_NUM_THREADS) computed it."""
    from threadpoolctl import threadpool_limits

    monkeypatch.setattr(stored, "RESULTS", tmp_path)
    with threadpool_limits(limits=2, user_api="blas"):
        assert set(stored.stored(_blas_threads)()) == {1}


def test_the_blas_kernel_is_part_of_every_key():
    """OPENBLAS_CORETYPE picks another CPU kernel, whose products differ in their last bits."""
    import subprocess
    import sys

    def kernel(env):
        code = "from gdsim import digests; print(digests.blas())"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**__import__("os").environ, **env}).stdout.strip()

    assert digests.blas() in digests.library_versions()
    assert kernel({"OPENBLAS_CORETYPE": "Prescott"}) != kernel({}), "another kernel, another key"
