"""The streamed zip writer: archives that zipfile and Info-ZIP's unzip read back, ZIP64 included."""

import io
import shutil
import subprocess
import zipfile

import pytest

from issues.zipstream import iter_zip

WHEN = (2026, 11, 27, 7, 30, 42)


def build(files):
    return b"".join(iter_zip(files))


def unzip_test(tmp_path, archive):
    if not shutil.which("unzip"):
        pytest.skip("Info-ZIP unzip is not installed")
    path = tmp_path / "a.zip"
    path.write_bytes(archive)
    result = subprocess.run(["unzip", "-tqq", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_files_names_dates_and_contents_come_back(tmp_path):
    files = [
        ("1-first.md", "# First\n\nrecall ↓ 0.84 🤖\n", WHEN),
        ("2-über.md", "x" * 100_000, (1999, 1, 2, 3, 4, 5)),
        ("3-empty.md", "", WHEN),
    ]
    archive = build(files)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.testzip() is None
        assert z.namelist() == ["1-first.md", "2-über.md", "3-empty.md"]
        for name, text, when in files:
            assert z.read(name) == text.encode()
            info = z.getinfo(name)
            assert info.date_time == (*when[:5], when[5] // 2 * 2)
            assert info.compress_type == zipfile.ZIP_DEFLATED
        assert z.getinfo("2-über.md").compress_size < 1000
    unzip_test(tmp_path, archive)


def test_an_empty_archive_is_valid(tmp_path):
    archive = build([])
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist() == []
    assert len(archive) == 22


def test_more_than_65535_files_get_zip64_records(tmp_path):
    count = 70_000
    archive = build((f"{n}.md", f"issue {n}\n", WHEN) for n in range(count))
    assert b"PK\x06\x06" in archive[-200:]  # the ZIP64 end of central directory
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = z.namelist()
        assert len(names) == count
        assert z.read("69999.md") == b"issue 69999\n"
    unzip_test(tmp_path, archive)


def test_it_is_a_stream_one_entry_at_a_time():
    sent = []

    def files():
        for n in range(3):
            sent.append(n)
            yield f"{n}.md", "text", WHEN

    chunks = iter_zip(files())
    first = next(chunks)
    assert sent == [0] and first.startswith(b"PK\x03\x04")
