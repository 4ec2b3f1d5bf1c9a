"""The sample events, config and recordings shipped inside the package, and copying them out.

The package holds them under ``signaltui/data/samples/`` in the same layout as a source
checkout (``fixtures/events``, ``fixtures/config``, ``recordings``), so every example in
the README runs the same from a clone and from wherever ``signaltui samples`` copied them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

from signaltui.errors import InputError

#: Folders of the sample tree, as they land under the target folder.
SAMPLE_EVENTS = Path("fixtures") / "events"
SAMPLE_RECORDINGS = Path("recordings")


def samples_root() -> Traversable:
    """The shipped sample tree (inside the installed package)."""
    return files("signaltui") / "data" / "samples"


def packaged_recordings() -> Path | None:
    """The shipped sample recordings as a folder on disk, or ``None`` if they are missing.

    Packages are installed as plain files, so this is their real path, usable after the
    call returns (a zipped install, which pip never makes, would give ``None``).
    """
    folder = samples_root() / str(SAMPLE_RECORDINGS)
    if not folder.is_dir():
        return None
    with as_file(folder) as path:
        return path if Path(path).is_dir() else None


def iter_samples(root: Traversable | None = None) -> Iterator[tuple[Path, bytes]]:
    """Every sample file as ``(path relative to the tree, content)``, sorted by path."""
    base = samples_root() if root is None else root

    def walk(node: Traversable, prefix: Path) -> Iterator[tuple[Path, bytes]]:
        for child in sorted(node.iterdir(), key=lambda item: item.name):
            if child.name.startswith((".", "__")):
                continue  # editor files and bytecode caches are not samples
            if child.is_dir():
                yield from walk(child, prefix / child.name)
            else:
                yield prefix / child.name, child.read_bytes()

    yield from walk(base, Path())


@dataclass
class CopyReport:
    """What :func:`copy_samples` did: files written and files already identical."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def copy_samples(target: Path, *, force: bool = False) -> CopyReport:
    """Copy the sample tree into ``target``; return what was written.

    A file that is already there with the same content is left alone. One that differs
    is overwritten only with ``force``; without it nothing at all is written and an
    :class:`InputError` lists the files that would have been replaced.
    """
    samples = list(iter_samples())
    if not samples:
        raise InputError(
            "this installation ships no sample files",
            where="signaltui/data/samples",
            hint="reinstall signaltui (pip install --force-reinstall signaltui)",
        )
    if target.exists() and not target.is_dir():
        raise InputError("not a folder", where=str(target), hint="name a folder to copy into")
    report = CopyReport()
    plan: list[tuple[Path, bytes]] = []
    clashes: list[Path] = []
    for relative, content in samples:
        destination = target / relative
        if destination.is_file() and destination.read_bytes() == content:
            report.unchanged.append(destination)
            continue
        if destination.exists() and not force:
            clashes.append(destination)
        plan.append((destination, content))
    if clashes:
        names = ", ".join(str(path) for path in clashes[:5])
        more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        raise InputError(
            f"{len(clashes)} file(s) already there with other content: {names}{more}",
            where=str(target),
            hint="nothing was written; add --force to overwrite them, or pick another folder",
        )
    for destination, content in plan:
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.is_dir():
                raise IsADirectoryError(21, "a folder is in the way")
            destination.write_bytes(content)
        except OSError as exc:
            raise InputError(
                f"cannot write a sample: {exc.strerror or exc}",
                where=str(destination),
                hint="pick a folder you can write to",
            ) from exc
        report.written.append(destination)
    return report
