"""Finding the ADR files in a folder or a zip, within limits. Reads files, never the database.

Every ADR tool keeps one Markdown file per decision beside an index, a README and a template;
those three are left out. A zip is read in memory and never extracted, but an entry that could
escape a folder (`..`, an absolute path) or a symbolic link still refuses the whole archive:
such an archive was not made by an ADR tool.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from decisions.adr_import import ImportRefused, Problem

# An ADR is a few kilobytes; these leave room for hundreds of long ones and keep a hostile zip
# (a "zip bomb" of highly compressed entries) from filling the memory.
MAX_FILES = 1000
MAX_FILE_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
# The zip itself, as uploaded or named on the command line.
MAX_ZIP_BYTES = 5 * 1024 * 1024
LIMITS = (
    f"a zip of at most {MAX_ZIP_BYTES // (1024 * 1024)} MB; at most {MAX_FILES:,} files, "
    f"{MAX_FILE_BYTES // (1024 * 1024)} MB each and {MAX_TOTAL_BYTES // (1024 * 1024)} MB in all "
    "once uncompressed"
)
# File names (without .md, lower case) that are not decisions: indexes, READMEs, templates.
NOT_DECISIONS = ("readme", "index", "template")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the folder or the zip's root, with "/" between parts
    data: bytes


def is_adr_path(path: str) -> bool:
    """Whether a path names an ADR: a .md file outside hidden folders, not an index, README or
    template (`adr-template.md` included)."""
    parts = path.split("/")
    if any(part.startswith(".") or part == "__MACOSX" for part in parts):
        return False
    name = parts[-1].lower()
    if not name.endswith(".md"):
        return False
    stem = name[: -len(".md")]
    return stem not in NOT_DECISIONS and not stem.endswith("template")


def _too_many(where: str, count: int) -> Problem:
    return Problem(where, 0, f"holds {count:,} files; an import takes at most {MAX_FILES:,}")


def _too_large(where: str) -> Problem:
    return Problem(
        where, 0, f"holds more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB of files uncompressed"
    )


def _file_too_large(path: str) -> Problem:
    return Problem(path, 0, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")


def zip_too_large(size: int) -> str:
    """Why a zip of `size` bytes is refused, or ""."""
    if size <= MAX_ZIP_BYTES:
        return ""
    return (
        f"is {size / (1024 * 1024):.1f} MB; a zip of ADRs may be at most "
        f"{MAX_ZIP_BYTES // (1024 * 1024)} MB"
    )


def read_folder(root: Path) -> list[SourceFile]:
    """Every ADR file under `root`, in path order. Symbolic links to directories are not
    followed; a linked ADR file is refused."""
    problems: list[Problem] = []
    found: list[tuple[str, Path]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in names:
            full = Path(folder) / name
            path = full.relative_to(root).as_posix()
            if not is_adr_path(path):
                continue
            if full.is_symlink():
                problems.append(Problem(path, 0, "is a symbolic link; copy the file in instead"))
                continue
            found.append((path, full))
    if problems:
        raise ImportRefused(problems)
    if len(found) > MAX_FILES:
        raise ImportRefused([_too_many(str(root), len(found))])
    files: list[SourceFile] = []
    total = 0
    for path, full in sorted(found):
        size = full.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(_file_too_large(path))
            continue
        total += size
        if total > MAX_TOTAL_BYTES:
            raise ImportRefused([_too_large(str(root))])
        files.append(SourceFile(path, full.read_bytes()))
    if problems:
        raise ImportRefused(problems)
    return files


def _entry_problem(info: zipfile.ZipInfo) -> str:
    """Why a zip entry is refused, or ""."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or _WINDOWS_DRIVE.match(name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "climbs out of the archive with '..'"
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    return ""


def read_zip(archive: BinaryIO | bytes, name: str = "the zip") -> list[SourceFile]:
    """Every ADR file in a zip, in path order; any unsafe entry refuses the whole archive."""
    stream = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    if refusal := zip_too_large(stream.seek(0, io.SEEK_END)):
        raise ImportRefused([Problem(name, 0, refusal)])
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as opened:
            entries = [info for info in opened.infolist() if not info.is_dir()]
            problems = [
                Problem(info.filename, 0, refusal)
                for info in entries
                if (refusal := _entry_problem(info))
            ]
            if problems:
                raise ImportRefused(problems)
            if len(entries) > MAX_FILES:
                raise ImportRefused([_too_many(name, len(entries))])
            # The sizes a zip declares can lie, so each read is capped as well.
            if sum(info.file_size for info in entries) > MAX_TOTAL_BYTES:
                raise ImportRefused([_too_large(name)])
            return _read_entries(opened, entries, name)
    except zipfile.BadZipFile as exc:
        raise ImportRefused([Problem(name, 0, f"is not a readable zip file ({exc})")]) from None


def _read_entries(
    opened: zipfile.ZipFile, entries: list[zipfile.ZipInfo], name: str
) -> list[SourceFile]:
    files: dict[str, SourceFile] = {}
    problems: list[Problem] = []
    total = 0
    for info in sorted(entries, key=lambda info: info.filename):
        path = posixpath.normpath(info.filename.replace("\\", "/"))
        if not is_adr_path(path):
            continue
        if path in files:
            problems.append(Problem(path, 0, "is in the zip twice"))
            continue
        try:
            with opened.open(info) as entry:
                data = entry.read(MAX_FILE_BYTES + 1)
        except RuntimeError as exc:  # an encrypted entry
            problems.append(Problem(path, 0, f"cannot be read ({exc})"))
            continue
        if len(data) > MAX_FILE_BYTES:
            problems.append(_file_too_large(path))
            continue
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise ImportRefused([_too_large(name)])
        files[path] = SourceFile(path, data)
    if problems:
        raise ImportRefused(problems)
    return list(files.values())


def read_source(path: Path) -> list[SourceFile]:
    """A folder or a zip file, whichever `path` is."""
    if path.is_dir():
        return read_folder(path)
    if path.is_file() and zipfile.is_zipfile(path):
        with path.open("rb") as archive:
            return read_zip(archive, path.name)
    if not path.exists():
        raise ImportRefused([Problem(str(path), 0, "does not exist")])
    raise ImportRefused([Problem(str(path), 0, "is neither a folder nor a zip file")])
