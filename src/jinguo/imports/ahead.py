"""Reading ahead: a sheet's rows read and their cells parsed in a child process while this
one checks and writes the rows before them, so that a large import uses a second core.

The child is forked after the header has been found; it reads the rest of the sheet, parses
each chunk and sends it back through a pipe, which holds about one chunk: it waits while this
process writes, so memory does not grow with the file. It never touches the database. An
error it meets (a sheet that turns out to be broken half-way) is raised here, as if reading
had happened here; if this process stops early (a refused commit, an exception), the child
is stopped with it, and if this process is killed, the child's next send finds the pipe
closed and it ends.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import TypeVar

Item = TypeVar("Item")
Parsed = TypeVar("Parsed")

_CHUNK, _DONE, _FAILED = "chunk", "done", "failed"


class ReaderStopped(RuntimeError):
    """The child reading the sheet ended without saying why (killed, out of memory)."""


def _produce(
    chunks: Iterable[Item],
    parse: Callable[[Item], Parsed],
    sender: Connection,
    receiver: Connection,
) -> None:
    # The fork copied the parent's end of the pipe too: closed, so that the pipe breaks when
    # the parent ends, rather than waiting for a reader that will never come.
    receiver.close()
    try:
        for chunk in chunks:
            sender.send((_CHUNK, parse(chunk)))
    except BrokenPipeError:
        return  # the parent stopped reading: nothing to tell
    except BaseException as error:  # every failure goes back to the parent
        sender.send((_FAILED, error))
    else:
        sender.send((_DONE, None))
    finally:
        sender.close()


@contextmanager
def parsed_ahead(
    chunks: Iterable[Item], parse: Callable[[Item], Parsed], *, ahead: bool
) -> Iterator[Iterator[Parsed]]:
    """`parse` applied to each of `chunks`, in order: in a forked child when `ahead` (and the
    system can fork), else here, one chunk at a time as they are wanted."""
    if not ahead or not hasattr(os, "fork"):
        yield (parse(chunk) for chunk in chunks)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    arguments = (chunks, parse, sender, receiver)
    child = context.Process(target=_produce, args=arguments, daemon=True)
    # The child's garbage collector leaves this process's objects alone, so that it does not
    # write to (and so copy) the pages it shares with this one.
    gc.freeze()
    try:
        child.start()
    finally:
        gc.unfreeze()
    sender.close()  # the child's end: this process only reads
    try:
        yield _received(receiver)
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _received(receiver: Connection) -> Iterator[Parsed]:
    while True:
        try:
            kind, payload = receiver.recv()
        except EOFError:
            raise ReaderStopped("the process reading the sheet ended unexpectedly") from None
        if kind == _DONE:
            return
        if kind == _FAILED:
            raise payload
        yield payload
