/* FdGate: an fd's calls in flight, so that close() from another thread never closes the fd under a
 * call (see internal.h). Every handle has one (Handle._gate); the C paths of the other files enter
 * and leave it around each syscall. */
#include "internal.h"

#include <unistd.h>
#include <sys/eventfd.h>

/* Close the descriptor (through closer; os.close's work is done here, without a call) and the
 * wake-up eventfd: 0, or -1 with closer's exception set. */
int gate_finish(FdGate *self)
{
    PyObject *result;
    int fd = self->owned;
    if (self->wake >= 0) {
        close(self->wake);
        self->wake = -1;
    }
    if (fd < 0)
        return 0;
    self->owned = -1;
    if (self->closer == os_close) {
        int ret, err = 0;
        Py_BEGIN_ALLOW_THREADS
        ret = close(fd);
        if (ret < 0)
            err = errno;
        Py_END_ALLOW_THREADS
        if (ret < 0 && err != EINTR) { /* as os.close: Linux frees the fd whatever close() says */
            failed(err);
            return -1;
        }
        return 0;
    }
    result = PyObject_CallFunction(self->closer, "i", fd);
    Py_XDECREF(result);
    return result ? 0 : -1;
}

int gate_shut(FdGate *self)
{
    uint64_t one = 1;
    if (self->fd >= 0) {
        self->fd = -1;
        if (self->wake >= 0 && write(self->wake, &one, sizeof(one)) < 0) {
            /* an eventfd at its maximum count is readable already */
        }
    }
    return self->busy == 0 ? gate_finish(self) : 0;
}

FdGate *gate_make(PyTypeObject *type, int fd, PyObject *closer)
{
    FdGate *self = (FdGate *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    Py_INCREF(closer);
    self->closer = closer;
    self->fd = self->owned = fd;
    self->wake = -1;
    return self;
}

static PyObject *gate_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *closer;
    int fd;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "FdGate(fd, closer) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "iO:FdGate", &fd, &closer))
        return NULL;
    return (PyObject *)gate_make(type, fd, closer);
}

static void gate_dealloc(PyObject *obj)
{
    FdGate *self = (FdGate *)obj;
    if (self->wake >= 0)
        close(self->wake); /* the fd itself is the Handle's finalizer's to close, with its warning */
    Py_XDECREF(self->closer);
    Py_TYPE(obj)->tp_free(obj);
}

static PyObject *gate_py_enter(PyObject *obj, PyObject *unused)
{
    (void)unused;
    return PyLong_FromLong(gate_enter((FdGate *)obj));
}

static PyObject *gate_py_leave(PyObject *obj, PyObject *unused)
{
    FdGate *self = (FdGate *)obj;
    (void)unused;
    if (--self->busy == 0 && self->fd < 0 && self->owned >= 0 && gate_finish(self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *gate_py_exit(PyObject *obj, PyObject *args)
{
    PyObject *left = gate_py_leave(obj, args);
    if (left == NULL)
        return NULL;
    Py_DECREF(left);
    Py_RETURN_FALSE;
}

static PyObject *gate_close(PyObject *obj, PyObject *unused)
{
    (void)unused;
    if (gate_shut((FdGate *)obj) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *gate_wake_fd(PyObject *obj, PyObject *unused)
{
    FdGate *self = (FdGate *)obj;
    (void)unused;
    if (self->wake < 0) {
        self->wake = eventfd(self->fd < 0 ? 1 : 0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (self->wake < 0)
            return PyErr_SetFromErrno(PyExc_OSError);
    }
    return PyLong_FromLong(self->wake);
}

static PyObject *gate_get_fd(PyObject *obj, void *closure)
{
    (void)closure;
    return PyLong_FromLong(((FdGate *)obj)->fd);
}

static PyObject *gate_get_busy(PyObject *obj, void *closure)
{
    (void)closure;
    return PyLong_FromSsize_t(((FdGate *)obj)->busy);
}

static PyMethodDef gate_methods[] = {
    {"enter", gate_py_enter, METH_NOARGS, "Start a call: the fd to use (-1 once closed); leave() must follow."},
    {"leave", gate_py_leave, METH_NOARGS, "End a call; the last one out after close() closes the fd."},
    {"__enter__", gate_py_enter, METH_NOARGS, "enter(), for a with block (which costs more than try/finally)."},
    {"__exit__", gate_py_exit, METH_VARARGS, "leave(), for a with block."},
    {"close", gate_close, METH_NOARGS,
     "Refuse new calls, wake the waits; close the fd now, or when the last call in flight leaves."},
    {"wake_fd", gate_wake_fd, METH_NOARGS, "An eventfd that becomes readable when close() is called."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef gate_getset[] = {
    {"fd", gate_get_fd, NULL, "The descriptor for new calls, -1 once closed.", NULL},
    {"busy", gate_get_busy, NULL, "Calls in flight (between enter and leave).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject FdGateType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.FdGate",
    .tp_basicsize = sizeof(FdGate),
    .tp_dealloc = gate_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "FdGate(fd, closer): an fd's calls in flight; closer(fd) runs once closed and idle.",
    .tp_methods = gate_methods,
    .tp_getset = gate_getset,
    .tp_new = gate_new,
};

/* ReadLock (internal.h): a lock with the calls ``with lock:`` and threading.Lock's acquire(blocking)
 * and release(), which the C reads take and give back with no call. */
static PyObject *read_lock_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    ReadLock *self;
    if ((kwargs != NULL && PyDict_GET_SIZE(kwargs)) || PyTuple_GET_SIZE(args)) {
        PyErr_SetString(PyExc_TypeError, "ReadLock() takes no arguments");
        return NULL;
    }
    self = (ReadLock *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    if (lock_new(&self->lock) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static void read_lock_dealloc(PyObject *obj)
{
    ReadLock *self = (ReadLock *)obj;
    if (self->lock != NULL) {
        if (self->held)
            PyThread_release_lock(self->lock); /* as threading.Lock: freeing a held lock is no error */
        PyThread_free_lock(self->lock);
    }
    Py_TYPE(obj)->tp_free(obj);
}

static PyObject *read_lock_acquire(PyObject *obj, PyObject *const *args, Py_ssize_t nargs)
{
    ReadLock *self = (ReadLock *)obj;
    int blocking = 1;
    if (nargs > 1) {
        PyErr_Format(PyExc_TypeError, "acquire() takes at most 1 argument (%zd given)", nargs);
        return NULL;
    }
    if (nargs == 1 && (blocking = PyObject_IsTrue(args[0])) < 0)
        return NULL;
    if (read_lock_try(self))
        Py_RETURN_TRUE;
    if (!blocking)
        Py_RETURN_FALSE;
    if (lock_acquire(self->lock) < 0)
        return NULL;
    self->held = 1;
    Py_RETURN_TRUE;
}

static PyObject *read_lock_enter(PyObject *obj, PyObject *unused)
{
    (void)unused;
    return read_lock_acquire(obj, NULL, 0);
}

static PyObject *read_lock_py_release(PyObject *obj, PyObject *unused)
{
    ReadLock *self = (ReadLock *)obj;
    (void)unused;
    if (!self->held) {
        PyErr_SetString(PyExc_RuntimeError, "release unlocked lock");
        return NULL;
    }
    read_lock_release(self);
    Py_RETURN_NONE;
}

static PyObject *read_lock_exit(PyObject *obj, PyObject *args)
{
    PyObject *released = read_lock_py_release(obj, args);
    if (released == NULL)
        return NULL;
    Py_DECREF(released);
    Py_RETURN_FALSE;
}

static PyObject *read_lock_locked(PyObject *obj, PyObject *unused)
{
    (void)unused;
    return PyBool_FromLong(((ReadLock *)obj)->held);
}

static PyMethodDef read_lock_methods[] = {
    {"acquire", (PyCFunction)(void (*)(void))read_lock_acquire, METH_FASTCALL,
     "acquire($self, blocking=True, /)\n--\n\nTake the lock: True, or False when blocking is false and another "
     "holds it. A wait runs signal handlers, as threading.Lock's does."},
    {"release", read_lock_py_release, METH_NOARGS, "Give the lock back (RuntimeError if it is not held)."},
    {"locked", read_lock_locked, METH_NOARGS, "Whether the lock is held."},
    {"__enter__", read_lock_enter, METH_NOARGS, "acquire(), for a with block."},
    {"__exit__", read_lock_exit, METH_VARARGS, "release(), for a with block."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject ReadLockType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.ReadLock",
    .tp_basicsize = sizeof(ReadLock),
    .tp_dealloc = read_lock_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "ReadLock(): an event reader's lock, which the C reads take with no call.",
    .tp_methods = read_lock_methods,
    .tp_new = read_lock_new,
};
