"""Sandbox limits (struct lc_options) for engines and scenarios."""

import ctypes
import dataclasses

from . import _native


#: event_line_limit for no limit but memory (LC_EVENT_LINE_UNLIMITED, SIZE_MAX).
EVENT_LINE_UNLIMITED = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1


@dataclasses.dataclass
class Options:
    """Limits of the rule sandbox; 0 means the library's default.

    lua_memory_limit: bytes the Lua state may hold; lua_instruction_limit:
    VM instructions per Lua call; lua_pattern_limit: steps of one pattern
    match; json_depth_limit: nesting of an event's JSON; event_line_limit:
    bytes of one event line (default 1 MiB, as `--line-limit`; a longer line
    is invalid input; EVENT_LINE_UNLIMITED for none);
    lua_total_instruction_limit: instructions of all the Lua calls of one
    load, one result or one replay together.
    """

    lua_memory_limit: int = 0
    lua_instruction_limit: int = 0
    lua_pattern_limit: int = 0
    json_depth_limit: int = 0
    event_line_limit: int = 0
    lua_total_instruction_limit: int = 0

    def to_struct(self):
        """The lc_options the C functions take (version set)."""
        for field in dataclasses.fields(self):
            _check_limit(field.name, getattr(self, field.name))
        return _native.lc_options(
            _native.LC_OPTIONS_VERSION,
            self.lua_memory_limit,
            self.lua_instruction_limit,
            self.lua_pattern_limit,
            self.json_depth_limit,
            self.event_line_limit,
            self.lua_total_instruction_limit,
        )


def _check_limit(name, value):
    """Refuses a limit that is not a whole number >= 0 that its C field holds
    (ctypes would cut a larger one silently)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("Options.%s must be an int, not %s" % (name, type(value).__name__))
    if value < 0:
        raise ValueError("Options.%s must be >= 0 (0 = the default), not %d" % (name, value))
    bits = 8 * ctypes.sizeof(dict(_native.lc_options._fields_)[name])
    if value >> bits:
        raise ValueError("Options.%s must be below 2**%d, not %d" % (name, bits, value))


def options_pointer(options):
    """A pointer to the lc_options of `options`, or None for the defaults."""
    if options is None:
        return None
    if not isinstance(options, Options):
        raise TypeError("options must be a libcontract.Options, not %s" % type(options).__name__)
    return ctypes.pointer(options.to_struct())
