"""Ownership of one C object: used by one call or several, freed once, never under a call.

ctypes releases the interpreter's lock during a C call, so another thread
may call close() while a call is in progress.  Every call holds its handle
in use through ``with handle._using() as ptr:`` for the call's whole
duration (and while it copies the strings the object lends); close() waits
for those calls to end before it frees, and a call that starts once close()
began raises UsageError ("this result is closed").
"""

import contextlib
import threading

from .errors import usage


class Gate:
    """The calls in progress on one C object, or on a group of them.

    A shared call (a read of a result) runs beside other shared calls; an
    exclusive call runs alone on the whole group, and may nest inside
    another exclusive call of the same thread.  A free that must not wait
    (__del__) is left to the last call that leaves.  The lock is re-entrant
    because the garbage collector may run a __del__ of the same group while
    this thread holds it.
    """

    def __init__(self):
        self._cond = threading.Condition(threading.RLock())
        self._shared = 0
        self._owner = None  # the thread of the exclusive calls in progress
        self._depth = 0
        self._deferred = []

    def _open_to(self, exclusive, me):
        """True when a call of that kind may start now (under the lock)."""
        if self._owner == me:  # nested in this thread's exclusive call
            return True
        return self._owner is None and not (exclusive and self._shared)

    def enter(self, exclusive, refused=None, defer=None):
        """Counts a call in, waiting while the group is busy.

        refused: called under the lock each time before the call may start;
        what it raises refuses the call.  defer: instead of waiting, keep
        this function for the last call out and return False.
        """
        me = threading.get_ident()
        with self._cond:
            while True:
                if refused is not None:
                    refused()
                if self._open_to(exclusive, me):
                    break
                if defer is not None:
                    self._deferred.append(defer)
                    return False
                self._cond.wait()
            if exclusive:
                self._owner = me
                self._depth += 1
            else:
                self._shared += 1
            return True

    def leave(self, exclusive):
        """Counts a call out; the last one out first runs the deferred frees."""
        while True:
            with self._cond:
                last = self._depth == 1 if exclusive else self._shared == 1
                if not (last and self._deferred):
                    if exclusive:
                        self._depth -= 1
                        if not self._depth:
                            self._owner = None
                    else:
                        self._shared -= 1
                    self._cond.notify_all()
                    return
                free = self._deferred.pop()
            free()  # still counted in: nothing else runs on the group

    def run(self, function, wait=True):
        """Runs function alone on the group; without wait, when the group is next free."""
        if self.enter(True, defer=None if wait else function):
            try:
                function()
            finally:
                self.leave(True)


class Handle:
    """Owns one libcontract object and frees it exactly once.

    Subclasses set ``_kind`` (a name for messages), ``_free_function`` (the
    matching lc_*_free, kept on the class so __del__ still has it while the
    interpreter shuts down) and ``_shared`` (True when the C library allows
    several threads to call on one object at once; otherwise calls wait for
    each other).  Objects that C wants used by one thread at a time together
    (an engine and its evaluations) share one Gate.
    """

    _kind = "handle"
    _free_function = None
    _shared = False
    _ptr = None  # so close() and __del__ work even when __init__ failed early
    _gate = None
    _closing = False

    def _adopt(self, ptr, gate=None):
        """Takes ownership of a pointer a lc_*_new function returned."""
        self._gate = gate or Gate()
        self._ptr = ptr

    def _refuse_if_closed(self):
        if self._closing or not self._ptr:
            raise usage("this %s is closed" % self._kind)

    @contextlib.contextmanager
    def _using(self):
        """Holds the handle in use for a C call: yields the live pointer.

        Waits while an exclusive call runs on the handle's group; UsageError
        once close() began.  Copy every borrowed string inside the block.
        """
        if self._gate is None:  # never adopted: refused as closed
            self._refuse_if_closed()
        exclusive = not self._shared
        self._gate.enter(exclusive, self._refuse_if_closed)
        try:
            yield self._ptr
        finally:
            self._gate.leave(exclusive)

    @property
    def closed(self):
        """True once close() was called."""
        return self._closing or not self._ptr

    def close(self):
        """Frees the C object once the calls in progress on it end; later calls do nothing."""
        self._finish(wait=True)

    def _finish(self, wait):
        """Refuses new calls, then frees when no call runs (deferred without wait)."""
        self._closing = True
        if self._gate is not None:
            self._gate.run(self._free, wait=wait)

    def _free(self):
        """Frees the C object (called alone on the gate)."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            type(self)._free_function(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def __del__(self):
        # Never waits: a group busy in another thread frees it when that call ends.
        self._finish(wait=False)
