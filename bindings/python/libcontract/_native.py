"""The shared library and the ctypes declarations of libcontract.h.

Only this module touches ctypes prototypes.  It finds the library, checks its
ABI version, and declares every function the binding calls with its exact
argument and result types.
"""

import ctypes
import ctypes.util
import os
import subprocess

#: The version of libcontract.h this binding was written for.  Before 1.0
#: every minor release may change the ABI, so (major, minor) must match;
#: from 1.0 on, the major alone.
ABI_VERSION = (0, 3)
#: The SONAME of that library.
SONAME = "libcontract.so.%d.%d" % ABI_VERSION if ABI_VERSION[0] == 0 else "libcontract.so.%d" % ABI_VERSION[0]

# lc_status
LC_OK = 0
LC_EUSAGE = 2
LC_ERULES = 3
LC_EEVENT = 4
LC_ENOMEM = 5
LC_EIO = 6
LC_EINTERNAL = 7

LC_ERROR_MESSAGE_MAX = 512
LC_ERROR_FILE_MAX = 256
LC_OPTIONS_VERSION = 2

# lc_format
LC_FORMAT_JSON = 0
LC_FORMAT_TEXT = 1
LC_FORMAT_CSV = 2
LC_FORMAT_HTML = 3

# lc_lang
LC_LANG_BOTH = 0
LC_LANG_ZH = 1
LC_LANG_EN = 2
LC_LANG_CONTRACT = 3

# flags
LC_EVAL_SKIP_INVALID = 0x1
LC_EVAL_KEEP_EVENTS = 0x2
LC_EVAL_STRICT = 0x4
LC_EVAL_UPDATES = 0x8

# lc_value_type
LC_VALUE_NONE = -1
LC_VALUE_NULL = 0
LC_VALUE_TEXT = 1
LC_VALUE_FEN = 2
LC_VALUE_INT = 3
LC_VALUE_NUMBER = 4
LC_VALUE_BOOL = 5
LC_RENDER_EXPLAIN = 0x1
LC_RENDER_BOM = 0x2


class lc_error(ctypes.Structure):
    """struct lc_error: caller-owned error details."""

    _fields_ = [
        ("code", ctypes.c_int),
        ("file", ctypes.c_char * LC_ERROR_FILE_MAX),
        ("line", ctypes.c_long),
        ("message", ctypes.c_char * LC_ERROR_MESSAGE_MAX),
    ]


class lc_options(ctypes.Structure):
    """struct lc_options: sandbox limits (version LC_OPTIONS_VERSION)."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("lua_memory_limit", ctypes.c_size_t),
        ("lua_instruction_limit", ctypes.c_uint64),
        ("lua_pattern_limit", ctypes.c_uint64),
        ("json_depth_limit", ctypes.c_uint),
        ("event_line_limit", ctypes.c_size_t),
        ("lua_total_instruction_limit", ctypes.c_uint64),
    ]


class lc_rule_info(ctypes.Structure):
    """struct lc_rule_info: one declared rule (strings borrowed)."""

    _fields_ = [
        ("id", ctypes.c_char_p),
        ("kind", ctypes.c_char_p),
        ("class_", ctypes.c_char_p),
        ("clause", ctypes.c_char_p),
        ("line", ctypes.c_int),
    ]


class _Opaque(ctypes.Structure):
    """Base of the opaque handle types."""


class lc_engine(_Opaque):
    """Opaque struct lc_engine."""


class lc_eval(_Opaque):
    """Opaque struct lc_eval."""


class lc_result(_Opaque):
    """Opaque struct lc_result."""


class lc_scenario(_Opaque):
    """Opaque struct lc_scenario."""


ENGINE_P = ctypes.POINTER(lc_engine)
EVAL_P = ctypes.POINTER(lc_eval)
RESULT_P = ctypes.POINTER(lc_result)
SCENARIO_P = ctypes.POINTER(lc_scenario)
ERROR_P = ctypes.POINTER(lc_error)
OPTIONS_P = ctypes.POINTER(lc_options)

_c_int = ctypes.c_int
_c_str = ctypes.c_char_p
_c_size = ctypes.c_size_t
_SIZE_P = ctypes.POINTER(ctypes.c_size_t)
_OUT_TEXT = ctypes.POINTER(ctypes.c_void_p)

# name: (restype, argtypes)
_PROTOTYPES = {
    "lc_status_name": (_c_str, [_c_int]),
    "lc_free": (None, [ctypes.c_void_p]),
    "lc_version_number": (_c_int, []),
    "lc_version_string": (_c_str, []),
    "lc_engine_new": (_c_int, [ctypes.POINTER(ENGINE_P), OPTIONS_P, ERROR_P]),
    "lc_engine_load_file": (_c_int, [ENGINE_P, _c_str, ERROR_P]),
    "lc_engine_load_string": (_c_int, [ENGINE_P, _c_str, _c_str, _c_size, ERROR_P]),
    "lc_engine_set_param": (_c_int, [ENGINE_P, _c_str, _c_str, ERROR_P]),
    "lc_engine_set_assignment": (_c_int, [ENGINE_P, _c_str, ERROR_P]),
    "lc_engine_param_count": (_c_size, [ENGINE_P]),
    "lc_engine_param_name": (_c_str, [ENGINE_P, _c_size]),
    "lc_engine_param_value": (_c_str, [ENGINE_P, _c_size]),
    "lc_engine_rule_count": (_c_size, [ENGINE_P]),
    "lc_engine_rule": (_c_int, [ENGINE_P, _c_size, ctypes.POINTER(lc_rule_info)]),
    "lc_engine_cap_count": (_c_size, [ENGINE_P]),
    "lc_engine_cap_id": (_c_str, [ENGINE_P, _c_size]),
    "lc_engine_cap_window": (_c_str, [ENGINE_P, _c_size]),
    "lc_engine_contract_id": (_c_str, [ENGINE_P]),
    "lc_engine_check": (_c_int, [ENGINE_P, _c_int, _OUT_TEXT, _SIZE_P, _SIZE_P, ERROR_P]),
    "lc_engine_free": (None, [ENGINE_P]),
    "lc_eval_new": (_c_int, [ctypes.POINTER(EVAL_P), ENGINE_P, ctypes.c_uint, ERROR_P]),
    "lc_eval_push_json": (_c_int, [EVAL_P, _c_str, _c_size, _c_str, ctypes.c_long, ERROR_P]),
    "lc_eval_push_lines": (_c_int, [EVAL_P, _c_str, _c_str, _c_size, ERROR_P]),
    "lc_eval_end_stream": (_c_int, [EVAL_P, ERROR_P]),
    "lc_eval_push_file": (_c_int, [EVAL_P, _c_str, ERROR_P]),
    "lc_scenario_new": (_c_int, [ctypes.POINTER(SCENARIO_P), OPTIONS_P, _c_str, _c_str, _c_size, ERROR_P]),
    "lc_scenario_load_file": (_c_int, [ctypes.POINTER(SCENARIO_P), OPTIONS_P, _c_str, ERROR_P]),
    "lc_scenario_free": (None, [SCENARIO_P]),
    "lc_eval_replay": (_c_int, [EVAL_P, EVAL_P, SCENARIO_P, ctypes.c_uint64, ERROR_P]),
    "lc_eval_result": (_c_int, [EVAL_P, ctypes.POINTER(RESULT_P), ERROR_P]),
    "lc_eval_retract": (_c_int, [EVAL_P, _c_str, _c_str, ERROR_P]),
    "lc_eval_result_as_of": (_c_int, [EVAL_P, ctypes.c_int64, ctypes.POINTER(RESULT_P), ERROR_P]),
    "lc_time_parse": (_c_int, [_c_str, _c_size, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int), ERROR_P]),
    "lc_eval_free": (None, [EVAL_P]),
    "lc_result_free": (None, [RESULT_P]),
    "lc_result_render": (_c_int, [RESULT_P, _c_int, _c_int, ctypes.c_uint, _OUT_TEXT, _SIZE_P, ERROR_P]),
    "lc_result_json": (_c_int, [RESULT_P, _OUT_TEXT, _SIZE_P, ERROR_P]),
    "lc_result_count": (_c_size, [RESULT_P, _c_str]),
    "lc_result_text": (_c_str, [RESULT_P, _c_str, _c_size, _c_str]),
    "lc_result_fen": (_c_int, [RESULT_P, _c_str, _c_size, _c_str, ctypes.POINTER(ctypes.c_int64)]),
    "lc_result_type": (_c_int, [RESULT_P, _c_str, _c_size, _c_str]),
    "lc_result_int": (_c_int, [RESULT_P, _c_str, _c_size, _c_str, ctypes.POINTER(ctypes.c_int64)]),
    "lc_result_number": (_c_int, [RESULT_P, _c_str, _c_size, _c_str, ctypes.POINTER(ctypes.c_double)]),
    "lc_result_bool": (_c_int, [RESULT_P, _c_str, _c_size, _c_str, ctypes.POINTER(ctypes.c_int)]),
    "lc_result_event_count": (_c_size, [RESULT_P, _c_str, _c_size]),
    "lc_result_event": (_c_str, [RESULT_P, _c_str, _c_size, _c_size]),
    "lc_result_diff": (_c_int, [RESULT_P, RESULT_P, _c_int, _c_int, _OUT_TEXT, _SIZE_P,
                                ctypes.POINTER(ctypes.c_int), ERROR_P]),
}


def _pkg_config_path():
    """The library in the libdir pkg-config gives for libcontract (an
    installation under any prefix that PKG_CONFIG_PATH or pkg-config's own
    search path names), or None."""
    try:
        done = subprocess.run(["pkg-config", "--variable=libdir", "libcontract"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    path = os.path.join(done.stdout.strip(), SONAME)
    return path if done.returncode == 0 and done.stdout.strip() and os.path.exists(path) else None


def _candidate_paths():
    """The places to look for the shared library, in order (lazily: a
    later place is looked up only when the earlier ones did not load)."""
    explicit = os.environ.get("LIBCONTRACT_LIBRARY")
    if explicit:
        yield explicit
        return
    here = os.path.dirname(os.path.abspath(__file__))
    installed = [  # CMake's install: dist-packages next to the library's libdir
        os.path.join(here, "..", "..", "..", SONAME),
        os.path.join(here, "..", "..", "..", "..", "lib", SONAME),
    ]
    yield from (os.path.normpath(p) for p in installed if os.path.exists(p))
    from_pkg_config = _pkg_config_path()  # pip's install: a package far from the library
    if from_pkg_config:
        yield from_pkg_config
    found = ctypes.util.find_library("contract")
    if found:
        yield found
    yield SONAME


def _load_library():
    """Loads the first candidate that loads; ImportError when none does."""
    failures = []
    for path in _candidate_paths():
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            failures.append("%s (%s)" % (path, exc))
    raise ImportError("libcontract: cannot load the shared library; tried: %s. "
                      "Set LIBCONTRACT_LIBRARY to the path of %s, or PKG_CONFIG_PATH to the folder of "
                      "libcontract.pc." % ("; ".join(failures), SONAME))


def _declare(lib, path):
    """Sets restype and argtypes of every function the binding calls."""
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            function = getattr(lib, name)
        except AttributeError:
            raise ImportError("libcontract: %s (version %s) has no %s: it is older than this binding; "
                              "rebuild it or set LIBCONTRACT_LIBRARY"
                              % (path, lib.lc_version_string().decode(), name)) from None
        function.restype = restype
        function.argtypes = argtypes


def _check_version(lib, path):
    """Refuses a library of another ABI version than ABI_VERSION."""
    lib.lc_version_number.restype = ctypes.c_int
    lib.lc_version_number.argtypes = []
    lib.lc_version_string.restype = ctypes.c_char_p
    lib.lc_version_string.argtypes = []
    number = lib.lc_version_number()
    major, minor = number // 10000, number // 100 % 100
    if major != ABI_VERSION[0] or (major == 0 and minor != ABI_VERSION[1]):
        raise ImportError("libcontract: %s is version %s; this binding was written for version %s"
                          % (path, lib.lc_version_string().decode(), "%d.%d" % ABI_VERSION if major == 0
                             else "%d.x" % ABI_VERSION[0]))


lib, library_path = _load_library()
_check_version(lib, library_path)
_declare(lib, library_path)


def decode(raw):
    """A borrowed `const char *` (bytes or None) as str or None."""
    return None if raw is None else raw.decode("utf-8")


def encode(text):
    """A str (or bytes, or None) as bytes for a `const char *` argument."""
    if text is None or isinstance(text, bytes):
        return text
    return str(text).encode("utf-8")


def take_text(pointer, length):
    """Copies a caller-owned `char *` of `length` bytes to str and lc_frees it."""
    try:
        return ctypes.string_at(pointer.value, length.value).decode("utf-8")
    finally:
        lib.lc_free(pointer)
