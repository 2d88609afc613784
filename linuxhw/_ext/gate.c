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
