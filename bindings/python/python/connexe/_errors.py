"""connexe's exceptions: one base class, one subclass per kind of failure.

Each also derives from the built-in exception a Python caller would expect (ValueError,
KeyError, OSError), so existing ``except`` clauses keep working.
"""

from __future__ import annotations

from typing import Optional


class ConnexeError(Exception):
    """Any connexe failure. The message is the core's, naming the field, line and value."""

    #: The article field the error is about (``"title"``, ``"published"``...), when it is about one.
    field: Optional[str] = None
    #: The 1-based line of a corpus or judgments file the error is about, when it is about one.
    line: Optional[int] = None

    def __str__(self) -> str:
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class InputError(ConnexeError, ValueError):
    """An article, a corpus line or an index file is malformed, or a value has the wrong type."""


class UnknownIdError(ConnexeError, KeyError):
    """An id the index does not hold."""

    # KeyError.__str__ would quote the message.
    __str__ = ConnexeError.__str__


class ConfigError(ConnexeError, ValueError):
    """A configuration value (weights, page settings, alias table) is invalid."""


class ConnexeIOError(ConnexeError, OSError):
    """Reading or writing a file failed; ``errno`` is set when the system gave one."""

    __str__ = ConnexeError.__str__


__all__ = ["ConnexeError", "InputError", "UnknownIdError", "ConfigError", "ConnexeIOError"]
