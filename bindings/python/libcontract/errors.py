"""Exceptions carrying the engine's lc_error: code, file, line and message."""

from . import _native


class ContractError(Exception):
    """An error reported by libcontract.

    Attributes: ``code`` (the lc_status number), ``file`` (the rule file or
    event stream concerned, "" when none), ``line`` (0 when none) and
    ``message`` (what is wrong and what to fix).  ``str(e)`` is
    "file:line: message", as the command line prints it.
    """

    def __init__(self, code, file, line, message):
        super().__init__(code, file, line, message)
        self.code = code
        self.file = file
        self.line = line
        self.message = message

    def __str__(self):
        if self.file and self.line > 0:
            return "%s:%d: %s" % (self.file, self.line, self.message)
        if self.file:
            return "%s: %s" % (self.file, self.message)
        return self.message


class UsageError(ContractError):
    """LC_EUSAGE: an unknown parameter, a bad value, a closed handle, misuse."""


class RulesError(ContractError):
    """LC_ERULES: the rule file cannot be loaded or the sandbox stopped it."""


class EventError(ContractError):
    """LC_EEVENT: invalid event input (``line`` names the line)."""


class ContractIOError(ContractError):
    """LC_EIO: a file could not be read or written."""


_CLASSES = {
    _native.LC_EUSAGE: UsageError,
    _native.LC_ERULES: RulesError,
    _native.LC_EEVENT: EventError,
    _native.LC_EIO: ContractIOError,
}


def status_name(code):
    """The library's short name for a status ("invalid event input")."""
    return _native.decode(_native.lib.lc_status_name(code))


def from_lc_error(status, err):
    """The exception for a failed call's status and its filled lc_error."""
    cls = _CLASSES.get(status, ContractError)
    message = _native.decode(err.message) or status_name(status)
    return cls(status, _native.decode(err.file), err.line, message)


def check(status, err):
    """Raises the matching ContractError when status is not LC_OK."""
    if status != _native.LC_OK:
        raise from_lc_error(status, err)


def usage(message):
    """A UsageError raised by the binding itself (no file, no line)."""
    return UsageError(_native.LC_EUSAGE, "", 0, message)
