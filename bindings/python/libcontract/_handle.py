"""Ownership of one C object: freed once, by close(), a with block or __del__."""

from .errors import usage


class Handle:
    """Owns one libcontract object and frees it exactly once.

    Subclasses set ``_kind`` (a name for messages) and ``_free_function``
    (the matching lc_*_free, kept on the class so __del__ still has it while
    the interpreter shuts down).
    """

    _kind = "handle"
    _free_function = None
    _ptr = None  # so close() and __del__ work even when __init__ failed early

    def _adopt(self, ptr):
        """Takes ownership of a pointer a lc_*_new function returned."""
        self._ptr = ptr

    def _pointer(self):
        """The live pointer; UsageError when the handle is closed."""
        if not self._ptr:
            raise usage("this %s is closed" % self._kind)
        return self._ptr

    @property
    def closed(self):
        """True once close() freed the C object."""
        return not self._ptr

    def close(self):
        """Frees the C object now; later calls do nothing."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            type(self)._free_function(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def __del__(self):
        self.close()
