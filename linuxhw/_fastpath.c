/* linuxhw._fastpath: the few per-operation calls where the cost of the call itself decides the
 * speed (one GPIO value, a read()'s worth of edge events, one SMBus byte or word, one short SPI
 * exchange, a dma-buf's allocation, sync and mapping). Plain CPython entry points (METH_FASTCALL, no
 * cffi argument conversion) on structs from the kernel's own headers, the GIL released around
 * each ioctl. Everything else goes through linuxhw._uapi; failures raise OSError with errno, which
 * the callers turn into the library's errors. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/gpio.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <linux/spi/spidev.h>

/* The lifetime of a handle's descriptor across threads (Handle._gate): every call that uses the fd
 * with the GIL released is counted between enter and leave, and close() only marks the gate closed
 * and wakes the waits (an eventfd they poll beside the device fd); the fd itself is closed, through
 * the backend's close, when the last such call has left. So a call never reaches an fd number that
 * another open() reused meanwhile, and a thread blocked in a wait wakes up to ClosedError. The
 * counter changes only while the GIL is held: no lock per call. */
typedef struct {
    PyObject_HEAD
    int fd;          /* the descriptor for new calls, -1 once close() began */
    int owned;       /* the descriptor still to be closed, -1 once it is */
    int wake;        /* the eventfd close() signals, -1 until a wait asks for it */
    Py_ssize_t busy; /* calls between enter and leave */
    PyObject *closer;
} FdGate;

static PyObject *os_close; /* os.close, the kernel backend's close */
static PyObject *failed(int err);

/* Close the descriptor (through closer; os.close's work is done here, without a call) and the
 * wake-up eventfd: 0, or -1 with closer's exception set. */
static int gate_finish(FdGate *self)
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

/* Start a call: the fd to use (-1 once closed, which the kernel answers with EBADF). */
static inline int gate_enter(FdGate *self)
{
    self->busy++;
    return self->fd;
}

/* End a call; the last one out after close() closes the fd (closer's failure is unraisable here:
 * the call's own result or error is what its caller needs). */
static inline void gate_leave(FdGate *self)
{
    if (--self->busy == 0 && self->fd < 0 && self->owned >= 0) {
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        if (gate_finish(self) < 0)
            PyErr_WriteUnraisable(self->closer);
        PyErr_Restore(type, value, traceback);
    }
}

/* Refuse new calls and wake the waits; close the fd now if no call is in flight (else the last
 * one out does): 0, or -1 with closer's exception set. */
static int gate_shut(FdGate *self)
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

static PyTypeObject FdGateType;

/* A new gate of type (FdGateType or a subclass) for fd, closed through closer. */
static FdGate *gate_make(PyTypeObject *type, int fd, PyObject *closer)
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

static PyTypeObject FdGateType = {
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

static int arg_count(const char *name, Py_ssize_t nargs, Py_ssize_t expected)
{
    if (nargs == expected)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)", name, expected, nargs);
    return -1;
}

static int arg_fd(PyObject *obj, int *fd)
{
    long value = PyLong_AsLong(obj);
    if (value == -1 && PyErr_Occurred())
        return -1;
    if (value < INT_MIN || value > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "fd out of range");
        return -1;
    }
    *fd = (int)value;
    return 0;
}

static int arg_u64(PyObject *obj, __u64 *out)
{
    unsigned long long value = PyLong_AsUnsignedLongLong(obj);
    if (value == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    *out = (__u64)value;
    return 0;
}

/* One ioctl with the GIL released: its result, or -errno. */
static int ioctl_once(int fd, unsigned long request, void *arg)
{
    int ret;
    Py_BEGIN_ALLOW_THREADS
    ret = ioctl(fd, request, arg);
    if (ret < 0)
        ret = -errno;
    Py_END_ALLOW_THREADS
    return ret;
}

/* The same, restarted on EINTR unless a signal handler raised: for the GPIO value and dma-buf
 * calls, which have no partial effect to lose (a bus transfer may have, and is not restarted). */
static int ioctl_nogil(int fd, unsigned long request, void *arg)
{
    int ret;
    do {
        ret = ioctl_once(fd, request, arg);
    } while (ret == -EINTR && !PyErr_CheckSignals());
    return ret;
}

/* NULL with OSError(err) set, or with the exception a signal handler raised. */
static PyObject *failed(int err)
{
    if (PyErr_Occurred())
        return NULL;
    errno = err;
    return PyErr_SetFromErrno(PyExc_OSError);
}

PyDoc_STRVAR(gpio_get_values_doc,
"gpio_get_values(fd, mask) -> bits\n\n"
"GPIO_V2_LINE_GET_VALUES_IOCTL on a line request: the values of the lines in mask, as a bitmap.");

static PyObject *gpio_get_values(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    struct gpio_v2_line_values values = {0};
    int fd, ret;
    (void)module;
    if (arg_count("gpio_get_values", nargs, 2) || arg_fd(args[0], &fd) || arg_u64(args[1], &values.mask))
        return NULL;
    ret = ioctl_nogil(fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &values);
    if (ret < 0)
        return failed(-ret);
    return PyLong_FromUnsignedLongLong(values.bits);
}

PyDoc_STRVAR(gpio_set_values_doc,
"gpio_set_values(fd, mask, bits) -> None\n\n"
"GPIO_V2_LINE_SET_VALUES_IOCTL on a line request: drive the lines in mask to bits.");

static PyObject *gpio_set_values(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    struct gpio_v2_line_values values = {0};
    int fd, ret;
    (void)module;
    if (arg_count("gpio_set_values", nargs, 3) || arg_fd(args[0], &fd) || arg_u64(args[1], &values.mask)
        || arg_u64(args[2], &values.bits))
        return NULL;
    ret = ioctl_nogil(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values);
    if (ret < 0)
        return failed(-ret);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(edge_events_doc,
"edge_events(records, count, cls, types) -> list\n\n"
"The first count struct gpio_v2_line_event records of the buffer records as instances of cls, a\n"
"tuple subclass of (type, timestamp_ns, line_offset, seqno, line_seqno); types[id] is the type\n"
"for a kernel event id (ValueError for an id it lacks).");

static PyObject *edge_event(PyTypeObject *cls, PyObject *types, const struct gpio_v2_line_event *record)
{
    PyObject *event, *type = NULL, *fields[4];
    int i;
    if ((size_t)record->id < (size_t)PyTuple_GET_SIZE(types)) /* unsigned: no negative index on 32-bit */
        type = PyTuple_GET_ITEM(types, record->id);
    if (type == NULL || type == Py_None) {
        PyErr_Format(PyExc_ValueError, "%u is not a valid EdgeType (an edge event id this library does not know)",
                     record->id);
        return NULL;
    }
    fields[0] = PyLong_FromUnsignedLongLong(record->timestamp_ns);
    fields[1] = PyLong_FromUnsignedLong(record->offset);
    fields[2] = PyLong_FromUnsignedLong(record->seqno);
    fields[3] = PyLong_FromUnsignedLong(record->line_seqno);
    event = fields[0] && fields[1] && fields[2] && fields[3] ? cls->tp_alloc(cls, 5) : NULL;
    if (event == NULL) {
        for (i = 0; i < 4; i++)
            Py_XDECREF(fields[i]);
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030E0000
    ((PyTupleObject *)event)->ob_hash = -1; /* 3.14 caches a tuple's hash; tp_alloc left 0 there ("cached") */
#endif
    Py_INCREF(type);
    PyTuple_SET_ITEM(event, 0, type);
    for (i = 0; i < 4; i++)
        PyTuple_SET_ITEM(event, i + 1, fields[i]);
    if (PyObject_IS_GC(event))
        PyObject_GC_UnTrack(event); /* ints and an enum member: no cycle to find (as the GC untracks such tuples) */
    return event;
}

static PyObject *edge_events(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_buffer records;
    PyObject *list = NULL, *types;
    PyTypeObject *cls;
    Py_ssize_t count, i;
    (void)module;
    if (arg_count("edge_events", nargs, 4))
        return NULL;
    count = PyLong_AsSsize_t(args[1]);
    if (count == -1 && PyErr_Occurred())
        return NULL;
    if (!PyType_Check(args[2]) || !PyType_IsSubtype((PyTypeObject *)args[2], &PyTuple_Type) || !PyTuple_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "edge_events() needs a tuple subclass and a tuple of types");
        return NULL;
    }
    cls = (PyTypeObject *)args[2];
    types = args[3];
    if (PyObject_GetBuffer(args[0], &records, PyBUF_SIMPLE) < 0)
        return NULL;
    if (count < 0 || (size_t)count > (size_t)records.len / sizeof(struct gpio_v2_line_event)) { /* no overflow */
        PyErr_SetString(PyExc_ValueError, "count is more records than the buffer holds");
        goto done;
    }
    list = PyList_New(count);
    for (i = 0; list != NULL && i < count; i++) {
        PyObject *event = edge_event(cls, types, (const struct gpio_v2_line_event *)records.buf + i);
        if (event == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, event);
    }
done:
    PyBuffer_Release(&records);
    return list;
}

PyDoc_STRVAR(smbus_value_doc,
"smbus_value(fd, read_write, command, size, value) -> int\n\n"
"One I2C_SMBUS ioctl of a size that carries a byte or a word (QUICK, BYTE, BYTE_DATA, WORD_DATA,\n"
"PROC_CALL): value goes out in the data union, and what comes back in it is returned (0 when\n"
"nothing does). Not restarted on EINTR: the transaction may have reached the bus.");

static PyObject *smbus_value(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    union i2c_smbus_data data;
    struct i2c_smbus_ioctl_data request = {.data = &data};
    long read_write, command, size, value;
    int fd, ret;
    (void)module;
    if (arg_count("smbus_value", nargs, 5) || arg_fd(args[0], &fd))
        return NULL;
    read_write = PyLong_AsLong(args[1]);
    command = PyLong_AsLong(args[2]);
    size = PyLong_AsLong(args[3]);
    value = PyLong_AsLong(args[4]);
    if (PyErr_Occurred())
        return NULL;
    memset(&data, 0, sizeof(data));
    if (size == I2C_SMBUS_WORD_DATA || size == I2C_SMBUS_PROC_CALL)
        data.word = (__u16)value;
    else
        data.byte = (__u8)value;
    request.read_write = (__u8)read_write;
    request.command = (__u8)command;
    request.size = (__u32)size;
    ret = ioctl_once(fd, I2C_SMBUS, &request);
    if (ret < 0)
        return failed(-ret);
    if (size == I2C_SMBUS_PROC_CALL || (read_write == I2C_SMBUS_READ && size == I2C_SMBUS_WORD_DATA))
        return PyLong_FromLong(data.word);
    if (read_write == I2C_SMBUS_READ && (size == I2C_SMBUS_BYTE || size == I2C_SMBUS_BYTE_DATA))
        return PyLong_FromLong(data.byte);
    return PyLong_FromLong(0);
}

PyDoc_STRVAR(spi_exchange_doc,
"spi_exchange(fd, data) -> bytes\n\n"
"SPI_IOC_MESSAGE(1) with one full-duplex transfer at the device's settings: data (any\n"
"C-contiguous buffer, not copied) goes out and the bytes clocked in come back, received\n"
"straight into the new bytes object. Not restarted on EINTR: the transfer may have started.");

/* One full-duplex transfer of tx's bytes, received straight into the new bytes returned; NULL
 * with *err = errno when the kernel refused it, or with *err = 0 and an exception set. */
static PyObject *exchange(int fd, const Py_buffer *tx, int *err)
{
    struct spi_ioc_transfer transfer;
    PyObject *rx;
    int ret;
    *err = 0;
    if ((unsigned long long)tx->len > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "an SPI transfer moves at most 2**32 - 1 bytes");
        return NULL;
    }
    rx = PyBytes_FromStringAndSize(NULL, tx->len);
    if (rx == NULL)
        return NULL;
    memset(&transfer, 0, sizeof(transfer));
    transfer.tx_buf = (__u64)(uintptr_t)tx->buf;
    transfer.rx_buf = (__u64)(uintptr_t)PyBytes_AS_STRING(rx);
    transfer.len = (__u32)tx->len;
    ret = ioctl_once(fd, SPI_IOC_MESSAGE(1), &transfer);
    if (ret < 0) {
        Py_DECREF(rx);
        *err = -ret;
        return NULL;
    }
    return rx;
}

static PyObject *spi_exchange(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_buffer tx;
    PyObject *rx;
    int fd, err;
    (void)module;
    if (arg_count("spi_exchange", nargs, 2) || arg_fd(args[0], &fd))
        return NULL;
    if (PyObject_GetBuffer(args[1], &tx, PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    rx = exchange(fd, &tx, &err);
    PyBuffer_Release(&tx);
    return rx != NULL || !err ? rx : failed(err);
}

PyDoc_STRVAR(dma_heap_alloc_doc,
"dma_heap_alloc(heap_fd, length, fd_flags, heap_flags) -> fd\n\n"
"DMA_HEAP_IOCTL_ALLOC: a new dma-buf of at least length bytes from the heap.");

static PyObject *dma_heap_alloc(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    struct dma_heap_allocation_data data = {0};
    __u64 fd_flags;
    int fd, ret;
    (void)module;
    if (arg_count("dma_heap_alloc", nargs, 4) || arg_fd(args[0], &fd) || arg_u64(args[1], &data.len)
        || arg_u64(args[2], &fd_flags) || arg_u64(args[3], &data.heap_flags))
        return NULL;
    data.fd_flags = (__u32)fd_flags;
    ret = ioctl_nogil(fd, DMA_HEAP_IOCTL_ALLOC, &data);
    if (ret < 0)
        return failed(-ret);
    return PyLong_FromLong((long)data.fd);
}

PyDoc_STRVAR(dma_buf_sync_doc,
"dma_buf_sync(fd, flags) -> None\n\n"
"DMA_BUF_IOCTL_SYNC, restarted while the kernel says EINTR or EAGAIN (as its documentation asks).");

static PyObject *dma_buf_sync(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    struct dma_buf_sync sync = {0};
    int fd, ret;
    (void)module;
    if (arg_count("dma_buf_sync", nargs, 2) || arg_fd(args[0], &fd) || arg_u64(args[1], &sync.flags))
        return NULL;
    do {
        ret = ioctl_nogil(fd, DMA_BUF_IOCTL_SYNC, &sync);
    } while (ret == -EAGAIN);
    if (ret < 0)
        return failed(-ret);
    Py_RETURN_NONE;
}

#ifndef Py_TPFLAGS_HAVE_VECTORCALL
#define Py_TPFLAGS_HAVE_VECTORCALL _Py_TPFLAGS_HAVE_VECTORCALL /* 3.9's name */
#endif

/* spi.Device.write (or, duplex, transfer) for the kernel backend, as a C callable stored on the
 * instance: a call with one bytes or bytearray argument of 1..limit bytes is spidev's write(2)
 * straight from it (as py-spidev's writebytes2), or one full-duplex transfer whose bytes come back,
 * with no Python frame; any other call goes to the class's own Python method, and a failure to its
 * _write_failed() or _transfer_failed(), which hold the rules and the error messages. */
typedef struct {
    PyObject_HEAD
    FdGate *gate; /* NULL once close()d: every call goes to the Python method */
    int duplex;
    Py_ssize_t limit;
    PyObject *device; /* a weak reference: the device owns this writer */
    PyObject *python; /* the class's own write() or transfer() */
    vectorcallfunc vectorcall;
} SpiWriter;

/* A new reference to the object of a weak reference, or NULL (with no exception set) once it is gone. */
static PyObject *weak_target(PyObject *ref)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *target;
    return PyWeakref_GetRef(ref, &target) > 0 ? target : NULL;
#else
    PyObject *target = PyWeakref_GetObject(ref);
    if (target == Py_None)
        return NULL;
    Py_INCREF(target);
    return target;
#endif
}

static PyObject *call_python(PyObject *function, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames);

/* The device's own Python method, for a call the writer does not make itself. */
static PyObject *spi_python(SpiWriter *self, const char *name, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    PyObject *device = weak_target(self->device), *result;
    if (device == NULL) {
        PyErr_Format(PyExc_ReferenceError, "the device of this %s() is gone", name);
        return NULL;
    }
    result = call_python(self->python, device, args, PyVectorcall_NARGS(nargsf), kwnames);
    Py_DECREF(device);
    return result;
}

static PyObject *spi_writer_call(PyObject *obj, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    SpiWriter *self = (SpiWriter *)obj;
    const char *name = self->duplex ? "transfer" : "write";
    PyObject *rx = NULL, *device, *result;
    Py_buffer data;
    FdGate *gate = self->gate;
    ssize_t ret = 0;
    int err, fd;
    if (PyVectorcall_NARGS(nargsf) != 1 || kwnames != NULL || gate == NULL || gate->fd < 0
        || !(PyBytes_CheckExact(args[0]) || PyByteArray_CheckExact(args[0])))
        return spi_python(self, name, args, nargsf, kwnames);
    /* The device stays alive over the syscall: once it is gone (collected without close()), its fd
       was closed and the number may be another file's, so the call must not reach it. */
    device = weak_target(self->device);
    if (device == NULL)
        return spi_python(self, name, args, nargsf, kwnames);
    if (PyObject_GetBuffer(args[0], &data, PyBUF_SIMPLE) < 0) { /* pins a bytearray while the GIL is free */
        Py_DECREF(device);
        return NULL;
    }
    if (data.len < 1 || data.len > self->limit) {
        PyBuffer_Release(&data);
        Py_DECREF(device);
        return spi_python(self, name, args, nargsf, kwnames);
    }
    Py_INCREF(gate);
    fd = gate_enter(gate);
    if (self->duplex) {
        rx = exchange(fd, &data, &err);
    } else {
        Py_BEGIN_ALLOW_THREADS
        ret = write(fd, data.buf, (size_t)data.len);
        err = ret < 0 ? errno : 0;
        Py_END_ALLOW_THREADS
    }
    gate_leave(gate);
    Py_DECREF(gate);
    PyBuffer_Release(&data);
    if ((self->duplex && rx != NULL) || (!self->duplex && ret >= 0)) {
        Py_DECREF(device);
        if (rx == NULL)
            Py_RETURN_NONE;
        return rx;
    }
    result = err ? PyObject_CallMethod(device, self->duplex ? "_transfer_failed" : "_write_failed", "i", err)
                 : NULL; /* raises the library's error (or exchange() already set one) */
    Py_DECREF(device);
    return result;
}

static PyObject *spi_writer_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    SpiWriter *self;
    PyObject *gate, *device, *python;
    int duplex;
    Py_ssize_t limit;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "SpiWriter(gate, limit, device, duplex, python) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!nOpO:SpiWriter", &FdGateType, &gate, &limit, &device, &duplex, &python))
        return NULL;
    self = (SpiWriter *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->device = PyWeakref_NewRef(device, NULL);
    if (self->device == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    Py_INCREF(python);
    self->python = python;
    Py_INCREF(gate);
    self->gate = (FdGate *)gate;
    self->duplex = duplex;
    self->limit = limit;
    self->vectorcall = spi_writer_call;
    return (PyObject *)self;
}

static void spi_writer_dealloc(PyObject *obj)
{
    Py_XDECREF(((SpiWriter *)obj)->device);
    Py_XDECREF(((SpiWriter *)obj)->python);
    Py_XDECREF(((SpiWriter *)obj)->gate);
    Py_TYPE(obj)->tp_free(obj);
}

static PyObject *spi_writer_close(PyObject *obj, PyObject *unused)
{
    (void)unused;
    Py_CLEAR(((SpiWriter *)obj)->gate); /* a call in flight holds its own reference */
    Py_RETURN_NONE;
}

static PyMethodDef spi_writer_methods[] = {
    {"close", spi_writer_close, METH_NOARGS, "Forget the gate: later calls take the device's Python path."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SpiWriterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.SpiWriter",
    .tp_basicsize = sizeof(SpiWriter),
    .tp_dealloc = spi_writer_dealloc,
    .tp_vectorcall_offset = offsetof(SpiWriter, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "SpiWriter(gate, limit, device, duplex, python): spi.Device.write's (duplex: transfer's) C fast path; "
              "python is the class's own method.",
    .tp_methods = spi_writer_methods,
    .tp_new = spi_writer_new,
};

/* Methods of Python classes written in C: plain method descriptors of the class (so a call is
 * CPython's fast method call, with no bound method made), which find the C state of the object in
 * one of its attributes and make the common call with no Python frame. Every other call (keywords,
 * bad arguments, a closed object, the mock backend's objects, which have no C state) goes to the
 * class's own Python implementation, which holds the rules and the error messages. */

/* function(self, *args, **kwnames) for a call made with the vectorcall convention. */
static PyObject *call_python(PyObject *function, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames)
{
    Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0), i;
    PyObject *small[8], **stack = total + 1 <= 8 ? small : PyMem_Malloc((size_t)(total + 1) * sizeof(PyObject *));
    PyObject *result;
    if (stack == NULL)
        return PyErr_NoMemory();
    stack[0] = self;
    for (i = 0; i < total; i++)
        stack[i + 1] = args[i];
    result = PyObject_Vectorcall(function, stack, (size_t)(nargs + 1), kwnames);
    if (stack != small)
        PyMem_Free(stack);
    return result;
}

/* The C state of an object (a new reference) from the __slots__ member at offset, or NULL when it
 * has none of that type. The method descriptor has checked that self is an instance of the class
 * whose slot that is. */
static PyObject *c_state(PyObject *self, Py_ssize_t offset, PyTypeObject *type)
{
    PyObject *state = offset > 0 ? *(PyObject **)((char *)self + offset) : NULL;
    if (state == NULL || Py_TYPE(state) != type)
        return NULL;
    Py_INCREF(state);
    return state;
}

/* The offset of the __slots__ member name of cls; -1 with an exception set when it has none. */
static Py_ssize_t slot_offset(PyObject *cls, PyObject *name)
{
    PyObject *descr = PyObject_GetAttr(cls, name);
    Py_ssize_t offset = -1;
    if (descr == NULL)
        return -1;
    if (Py_IS_TYPE(descr, &PyMemberDescr_Type) && ((PyMemberDescrObject *)descr)->d_member->type == T_OBJECT_EX)
        offset = ((PyMemberDescrObject *)descr)->d_member->offset;
    else
        PyErr_Format(PyExc_TypeError, "%R needs %R in its __slots__ for its C methods", cls, name);
    Py_DECREF(descr);
    return offset;
}

/* A kernel line request's C state (LineRequest._c_values): its fd, its {line: index} dict and its
 * output lines. */
typedef struct {
    PyObject_HEAD
    FdGate *gate; /* NULL once close()d: every call goes to the Python methods */
    __u64 outputs; /* by bit of the line's index */
    PyObject *index;
} GpioValues;

static PyObject *gpio_values_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    GpioValues *self;
    PyObject *gate, *index;
    unsigned long long outputs;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "GpioValues(gate, outputs, index) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!KO!:GpioValues", &FdGateType, &gate, &outputs, &PyDict_Type, &index))
        return NULL;
    self = (GpioValues *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    Py_INCREF(index);
    self->index = index;
    Py_INCREF(gate);
    self->gate = (FdGate *)gate;
    self->outputs = (__u64)outputs;
    return (PyObject *)self;
}

static void gpio_values_dealloc(PyObject *obj)
{
    Py_XDECREF(((GpioValues *)obj)->index);
    Py_XDECREF(((GpioValues *)obj)->gate);
    Py_TYPE(obj)->tp_free(obj);
}

static PyObject *gpio_values_close(PyObject *obj, PyObject *unused)
{
    (void)unused;
    Py_CLEAR(((GpioValues *)obj)->gate); /* a call in flight holds its own reference */
    Py_RETURN_NONE;
}

static PyMethodDef gpio_values_methods[] = {
    {"close", gpio_values_close, METH_NOARGS, "Forget the fd: later calls take the Python methods."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef gpio_values_members[] = {
    {"outputs", T_ULONGLONG, offsetof(GpioValues, outputs), 0, "The output lines, by bit of their index."},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject GpioValuesType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.GpioValues",
    .tp_basicsize = sizeof(GpioValues),
    .tp_dealloc = gpio_values_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "GpioValues(gate, outputs, index): a kernel line request's state for get_value/set_value in C.",
    .tp_methods = gpio_values_methods,
    .tp_members = gpio_values_members,
    .tp_new = gpio_values_new,
};

static PyObject *gpio_python[2];    /* LineRequest.get_value and set_value in Python */
static PyObject *gpio_state_name;   /* "_c_values" */
static Py_ssize_t gpio_state_offset;

/* The index of line in the request (0..63), or -1 with no exception set when it is not a key. */
static int gpio_line_index(GpioValues *state, PyObject *line)
{
    PyObject *found = PyDict_GetItemWithError(state->index, line);
    long idx;
    if (found == NULL) {
        PyErr_Clear(); /* an unhashable line: the Python method says what is wrong with it */
        return -1;
    }
    idx = PyLong_AsLong(found);
    if (idx < 0 || idx > 63) {
        PyErr_Clear();
        return -1;
    }
    return (int)idx;
}

/* get_value(line) or (setter) set_value(line, 0 or 1): one value ioctl, which has no effect to lose
 * by being made again in the Python method when it fails. */
static PyObject *gpio_value(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, int setter)
{
    struct gpio_v2_line_values values = {0};
    GpioValues *state = NULL;
    PyObject *result = NULL;
    FdGate *gate = NULL;
    long value = 0;
    int idx, ret;
    if (kwnames != NULL || nargs != 1 + setter)
        goto python;
    state = (GpioValues *)c_state(request, gpio_state_offset, &GpioValuesType);
    if (state == NULL || state->gate == NULL)
        goto python;
    /* A reference of this call, taken before the line lookup: the key's __hash__/__eq__ may run
     * Python code, and another thread's close() then clears state->gate. */
    gate = state->gate;
    Py_INCREF(gate);
    if (gate->fd < 0 || (idx = gpio_line_index(state, args[0])) < 0)
        goto python;
    values.mask = (__u64)1 << idx;
    if (setter) {
        if (!(state->outputs & values.mask) || !PyLong_Check(args[1]))
            goto python;
        value = PyLong_AsLong(args[1]);
        if (value != 0 && value != 1) {
            PyErr_Clear();
            goto python;
        }
        values.bits = value ? values.mask : 0;
    }
    ret = ioctl_nogil(gate_enter(gate), setter ? GPIO_V2_LINE_SET_VALUES_IOCTL : GPIO_V2_LINE_GET_VALUES_IOCTL,
                      &values);
    gate_leave(gate);
    if (ret < 0 && !PyErr_Occurred())
        goto python;
    if (ret >= 0)
        result = setter ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLong((long)((values.bits >> idx) & 1));
    Py_DECREF(gate);
    Py_DECREF(state);
    return result;
python:
    Py_XDECREF(gate);
    Py_XDECREF(state);
    return call_python(gpio_python[setter], request, args, nargs, kwnames);
}

static PyObject *gpio_get_value(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return gpio_value(request, args, nargs, kwnames, 0);
}

static PyObject *gpio_set_value(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return gpio_value(request, args, nargs, kwnames, 1);
}

/* An I2C bus's lock, and the address its fd points at (the key its Python code selected last):
 * ``with channel:`` around one select + transaction, in Python and in the C reads below alike. */
typedef struct {
    PyObject_HEAD
    PyThread_type_lock lock;
    int fd;             /* the bus's fd, -1 once it closes */
    PyObject *selected; /* the selected key, or NULL for none */
} I2cChannel;

/* Take the lock, waiting with the GIL released (signal handlers run meanwhile, as threading.Lock's
 * do): 0, or -1 with the exception a handler raised. */
static int channel_acquire(I2cChannel *self)
{
    PyLockStatus status = PyThread_acquire_lock_timed(self->lock, 0, 0);
    while (status != PY_LOCK_ACQUIRED) {
        Py_BEGIN_ALLOW_THREADS
        status = PyThread_acquire_lock_timed(self->lock, -1, 1);
        Py_END_ALLOW_THREADS
        if (status == PY_LOCK_INTR && Py_MakePendingCalls() < 0)
            return -1;
    }
    return 0;
}

static PyObject *channel_enter(PyObject *obj, PyObject *unused)
{
    (void)unused;
    if (channel_acquire((I2cChannel *)obj) < 0)
        return NULL;
    Py_INCREF(obj);
    return obj;
}

static PyObject *channel_exit(PyObject *obj, PyObject *args)
{
    (void)args;
    PyThread_release_lock(((I2cChannel *)obj)->lock);
    Py_RETURN_FALSE;
}

static PyObject *channel_close(PyObject *obj, PyObject *unused)
{
    (void)unused;
    ((I2cChannel *)obj)->fd = -1;
    Py_RETURN_NONE;
}

static PyObject *channel_get_selected(PyObject *obj, void *closure)
{
    PyObject *selected = ((I2cChannel *)obj)->selected;
    (void)closure;
    if (selected == NULL)
        Py_RETURN_NONE;
    Py_INCREF(selected);
    return selected;
}

static int channel_set_selected(PyObject *obj, PyObject *value, void *closure)
{
    I2cChannel *self = (I2cChannel *)obj;
    (void)closure;
    if (value == Py_None)
        value = NULL;
    Py_XINCREF(value);
    Py_XSETREF(self->selected, value);
    return 0;
}

static PyObject *channel_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    I2cChannel *self;
    int fd;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "I2cChannel(fd) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "i:I2cChannel", &fd))
        return NULL;
    self = (I2cChannel *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->lock = PyThread_allocate_lock();
    if (self->lock == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    self->fd = fd;
    return (PyObject *)self;
}

static void channel_dealloc(PyObject *obj)
{
    I2cChannel *self = (I2cChannel *)obj;
    if (self->lock != NULL)
        PyThread_free_lock(self->lock);
    Py_XDECREF(self->selected);
    Py_TYPE(obj)->tp_free(obj);
}

static PyMethodDef channel_methods[] = {
    {"__enter__", channel_enter, METH_NOARGS, "Take the lock (waiting for it)."},
    {"__exit__", channel_exit, METH_VARARGS, "Release the lock."},
    {"close", channel_close, METH_NOARGS, "Forget the fd: the C reads take the Python path from now on."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef channel_getset[] = {
    {"selected", channel_get_selected, channel_set_selected, "The key the fd is pointed at, or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject I2cChannelType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.I2cChannel",
    .tp_basicsize = sizeof(I2cChannel),
    .tp_dealloc = channel_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "I2cChannel(fd): an I2C bus's lock and the address its fd is pointed at.",
    .tp_methods = channel_methods,
    .tp_getset = channel_getset,
    .tp_new = channel_new,
};

/* A kernel-backend device's C state (Device._c_reads): its bus's channel, its select key, the bus's
 * error for a failed transaction (fail(errno, operation, address)), and which reads the adapter
 * can do (bit 0: byte data, bit 1: word data; checked once, when the device is made). */
typedef struct {
    PyObject_HEAD
    I2cChannel *channel;
    PyObject *key;
    PyObject *fail;
    PyObject *address;
    int can;
} SmbusReads;

static PyObject *smbus_reads_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    SmbusReads *self;
    PyObject *channel, *key, *fail, *address;
    int can;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "SmbusReads(channel, key, fail, address, can) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!OOO!i:SmbusReads", &I2cChannelType, &channel, &key, &fail, &PyLong_Type, &address,
                          &can))
        return NULL;
    self = (SmbusReads *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    Py_INCREF(channel);
    self->channel = (I2cChannel *)channel;
    Py_INCREF(key);
    self->key = key;
    Py_INCREF(fail);
    self->fail = fail;
    Py_INCREF(address);
    self->address = address;
    self->can = can;
    return (PyObject *)self;
}

/* A GC type: `fail` is the bus's bound method, so bus -> device -> state -> bus cycles are collectable. */
static int smbus_reads_traverse(PyObject *obj, visitproc visit, void *arg)
{
    SmbusReads *self = (SmbusReads *)obj;
    Py_VISIT(self->channel);
    Py_VISIT(self->key);
    Py_VISIT(self->fail);
    Py_VISIT(self->address);
    return 0;
}

static int smbus_reads_clear(PyObject *obj)
{
    SmbusReads *self = (SmbusReads *)obj;
    Py_CLEAR(self->channel);
    Py_CLEAR(self->key);
    Py_CLEAR(self->fail);
    Py_CLEAR(self->address);
    return 0;
}

static void smbus_reads_dealloc(PyObject *obj)
{
    PyObject_GC_UnTrack(obj);
    smbus_reads_clear(obj);
    Py_TYPE(obj)->tp_free(obj);
}

static PyTypeObject SmbusReadsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.SmbusReads",
    .tp_basicsize = sizeof(SmbusReads),
    .tp_dealloc = smbus_reads_dealloc,
    .tp_traverse = smbus_reads_traverse,
    .tp_clear = smbus_reads_clear,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "SmbusReads(channel, key, fail, address, can): a device's state for its SMBus reads in C.",
    .tp_new = smbus_reads_new,
};

static PyObject *smbus_python[2];   /* Device.read_byte_data and read_word_data in Python */
static PyObject *smbus_operation[2]; /* "SMBus read byte", "SMBus read word" */
static PyObject *smbus_state_name;  /* "_c_reads" */
static Py_ssize_t smbus_state_offset;

/* read_byte_data(register) or (word) read_word_data(register) while the bus's fd points at the
 * device: one I2C_SMBUS ioctl under the bus's lock. Not made again on failure: the transaction
 * may have reached the bus. */
static PyObject *smbus_read(PyObject *device, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, int word)
{
    union i2c_smbus_data data;
    struct i2c_smbus_ioctl_data request = {
        .read_write = I2C_SMBUS_READ, .size = word ? I2C_SMBUS_WORD_DATA : I2C_SMBUS_BYTE_DATA, .data = &data};
    SmbusReads *state = NULL;
    I2cChannel *channel;
    PyObject *err, *failure;
    long reg;
    int ret;
    if (kwnames != NULL || nargs != 1 || !PyLong_CheckExact(args[0]))
        goto python;
    reg = PyLong_AsLong(args[0]);
    if (reg < 0 || reg > 0xFF) {
        PyErr_Clear();
        goto python;
    }
    state = (SmbusReads *)c_state(device, smbus_state_offset, &SmbusReadsType);
    if (state == NULL || !(state->can & (1 << word)) || state->channel == NULL) /* NULL: cleared by the GC */
        goto python;
    channel = state->channel;
    request.command = (__u8)reg;
    if (channel_acquire(channel) < 0) {
        Py_DECREF(state);
        return NULL;
    }
    if (channel->fd < 0 || channel->selected != state->key) { /* the Python method selects the device */
        PyThread_release_lock(channel->lock);
        goto python;
    }
    ret = ioctl_once(channel->fd, I2C_SMBUS, &request);
    PyThread_release_lock(channel->lock);
    if (ret >= 0) {
        Py_DECREF(state);
        return PyLong_FromLong(word ? (long)data.word : (long)data.byte);
    }
    err = PyErr_Occurred() ? NULL : PyLong_FromLong(-ret);
    failure = err ? PyObject_CallFunctionObjArgs(state->fail, err, smbus_operation[word], state->address, NULL) : NULL;
    Py_XDECREF(err);
    Py_XDECREF(failure); /* fail() raises the bus's error */
    Py_DECREF(state);
    return NULL;
python:
    Py_XDECREF(state);
    return call_python(smbus_python[word], device, args, nargs, kwnames);
}

static PyObject *smbus_read_byte_data(PyObject *device, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return smbus_read(device, args, nargs, kwnames, 0);
}

static PyObject *smbus_read_word_data(PyObject *device, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return smbus_read(device, args, nargs, kwnames, 1);
}

/* A kernel line request's C state for read_edge_events (LineRequest._c_events): its fd, a buffer of
 * capacity records, its reader's queue of events already read (the Python path serves those), its
 * reader's read_lock (one read and its counting at a time, shared with the Python path), and what
 * the records become (edge_events()'s cls and types). */
typedef struct {
    PyObject_HEAD
    FdGate *gate; /* NULL once close()d: every call goes to the Python method */
    Py_ssize_t capacity;
    struct gpio_v2_line_event *records;
    PyObject *pending;
    PyObject *lock;
    PyObject *cls;
    PyObject *types;
} EdgeReads;

static PyObject *edge_reads_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    EdgeReads *self;
    PyObject *gate, *pending, *lock, *cls, *types;
    Py_ssize_t capacity;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "EdgeReads(gate, capacity, pending, lock, cls, types) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!nOOO!O!:EdgeReads", &FdGateType, &gate, &capacity, &pending, &lock, &PyType_Type,
                          &cls, &PyTuple_Type, &types))
        return NULL;
    if (capacity < 1 || capacity > 4096 || !PyType_IsSubtype((PyTypeObject *)cls, &PyTuple_Type)) {
        PyErr_SetString(PyExc_ValueError, "EdgeReads needs a capacity of 1..4096 records and a tuple subclass");
        return NULL;
    }
    self = (EdgeReads *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->records = PyMem_Calloc((size_t)capacity, sizeof(struct gpio_v2_line_event));
    if (self->records == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    Py_INCREF(gate);
    self->gate = (FdGate *)gate;
    self->capacity = capacity;
    Py_INCREF(pending);
    self->pending = pending;
    Py_INCREF(lock);
    self->lock = lock;
    Py_INCREF(cls);
    self->cls = cls;
    Py_INCREF(types);
    self->types = types;
    return (PyObject *)self;
}

static void edge_reads_dealloc(PyObject *obj)
{
    EdgeReads *self = (EdgeReads *)obj;
    PyMem_Free(self->records);
    Py_XDECREF(self->pending);
    Py_XDECREF(self->lock);
    Py_XDECREF(self->cls);
    Py_XDECREF(self->types);
    Py_XDECREF(self->gate);
    Py_TYPE(obj)->tp_free(obj);
}

static PyObject *edge_reads_close(PyObject *obj, PyObject *unused)
{
    (void)unused;
    Py_CLEAR(((EdgeReads *)obj)->gate); /* a call in flight holds its own reference */
    Py_RETURN_NONE;
}

static PyMethodDef edge_reads_methods[] = {
    {"close", edge_reads_close, METH_NOARGS, "Forget the fd: later calls take the Python method."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EdgeReadsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.EdgeReads",
    .tp_basicsize = sizeof(EdgeReads),
    .tp_dealloc = edge_reads_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "EdgeReads(gate, capacity, pending, lock, cls, types): a kernel line request's state for "
              "read_edge_events in C.",
    .tp_methods = edge_reads_methods,
    .tp_new = edge_reads_new,
};

static PyObject *edge_python[2];  /* LineRequest.read_edge_events in Python (the second is unused) */
static PyObject *edge_state_name; /* "_c_events" */
static Py_ssize_t edge_state_offset;
static PyObject *edge_counter_names[3]; /* "_events_read", "_max_seqno", "lost_events" */
static PyObject *edge_check_name; /* "_check_sequence" */
static PyObject *lock_names[2];   /* "acquire", "release" */

/* The request's int attribute name as an unsigned 64-bit value; -1 with an exception set. */
static int request_u64(PyObject *request, PyObject *name, unsigned long long *out)
{
    PyObject *value = PyObject_GetAttr(request, name);
    if (value == NULL)
        return -1;
    *out = PyLong_AsUnsignedLongLong(value);
    Py_DECREF(value);
    return *out == (unsigned long long)-1 && PyErr_Occurred() ? -1 : 0;
}

static int request_set_u64(PyObject *request, PyObject *name, unsigned long long value)
{
    PyObject *number = PyLong_FromUnsignedLongLong(value);
    int ret = number ? PyObject_SetAttr(request, name, number) : -1;
    Py_XDECREF(number);
    return ret;
}

/* The events of this batch counted as LineRequest._check_sequence counts them: when none was lost,
 * here (the request's counters updated); else by _check_sequence itself, which warns or raises. 0,
 * or -1 with an exception set. */
static int edge_sequence(PyObject *request, PyObject *events, Py_ssize_t count, unsigned long long batch_max)
{
    unsigned long long events_read, max_seqno, lost;
    PyObject *checked;
    if (request_u64(request, edge_counter_names[0], &events_read) < 0
        || request_u64(request, edge_counter_names[1], &max_seqno) < 0
        || request_u64(request, edge_counter_names[2], &lost) < 0)
        return -1;
    events_read += (unsigned long long)count;
    if (batch_max > max_seqno)
        max_seqno = batch_max;
    if (max_seqno > events_read + lost) {
        checked = PyObject_CallMethodOneArg(request, edge_check_name, events);
        Py_XDECREF(checked);
        return checked ? 0 : -1;
    }
    return request_set_u64(request, edge_counter_names[0], events_read) < 0
                   || request_set_u64(request, edge_counter_names[1], max_seqno) < 0
               ? -1
               : 0;
}

/* lock.release(), keeping an exception already set (the one to report): 0, or -1 with its own. */
static int lock_release(PyObject *lock)
{
    PyObject *type, *value, *traceback, *result;
    PyErr_Fetch(&type, &value, &traceback);
    result = PyObject_CallMethodNoArgs(lock, lock_names[1]);
    if (type != NULL) {
        Py_XDECREF(result);
        PyErr_Clear();
        PyErr_Restore(type, value, traceback);
        return 0;
    }
    Py_XDECREF(result);
    return result ? 0 : -1;
}

/* read_edge_events(max_events=None, timeout=None) when nothing is queued from an earlier read: one
 * non-blocking read() and its records as events, no Python frame. When nothing is there to read
 * (the wait, with its timeout), or read() fails, the Python method reads again and does the rest. */
static PyObject *gpio_read_edge_events(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    EdgeReads *state = NULL;
    FdGate *gate;
    PyObject *events = NULL, *taken;
    unsigned long long batch_max = 0;
    Py_ssize_t limit, count, i, queued;
    ssize_t got;
    int fd;
    if (kwnames != NULL || nargs > 2)
        goto python;
    state = (EdgeReads *)c_state(request, edge_state_offset, &EdgeReadsType);
    if (state == NULL || state->gate == NULL || state->gate->fd < 0)
        goto python;
    queued = PyObject_Size(state->pending);
    if (queued != 0) {
        PyErr_Clear();
        goto python;
    }
    limit = state->capacity;
    if (nargs >= 1 && args[0] != Py_None) {
        if (!PyLong_CheckExact(args[0]))
            goto python;
        limit = PyLong_AsSsize_t(args[0]);
        if (limit < 1) {
            PyErr_Clear();
            goto python;
        }
        if (limit > state->capacity)
            limit = state->capacity;
    }
    /* One read and its counting at a time (another thread's read in between would land in the same
     * records, or count this one's events as lost): held by another thread, the Python method waits. */
    taken = PyObject_CallMethodOneArg(state->lock, lock_names[0], Py_False);
    if (taken != Py_True) {
        Py_XDECREF(taken);
        PyErr_Clear();
        goto python;
    }
    Py_DECREF(taken);
    gate = state->gate;
    Py_INCREF(gate);
    fd = gate_enter(gate);
    Py_BEGIN_ALLOW_THREADS
    got = read(fd, state->records, (size_t)limit * sizeof(struct gpio_v2_line_event));
    Py_END_ALLOW_THREADS
    gate_leave(gate);
    Py_DECREF(gate);
    count = got > 0 ? got / (ssize_t)sizeof(struct gpio_v2_line_event) : 0;
    if (count > 0)
        events = PyList_New(count);
    for (i = 0; events != NULL && i < count; i++) {
        PyObject *event = edge_event((PyTypeObject *)state->cls, state->types, state->records + i);
        if (event == NULL) {
            Py_CLEAR(events);
            break;
        }
        PyList_SET_ITEM(events, i, event);
        if (state->records[i].seqno > batch_max)
            batch_max = state->records[i].seqno;
    }
    if (events != NULL && edge_sequence(request, events, count, batch_max) < 0)
        Py_CLEAR(events);
    if (lock_release(state->lock) < 0)
        Py_CLEAR(events);
    if (count == 0 && !PyErr_Occurred()) /* nothing to read (the wait), or read() failed: the Python method */
        goto python;
    Py_DECREF(state);
    return events;
python:
    Py_XDECREF(state);
    return call_python(edge_python[0], request, args, nargs, kwnames);
}

static PyMethodDef gpio_method_defs[] = {
    {"get_value", (PyCFunction)(void (*)(void))gpio_get_value, METH_FASTCALL | METH_KEYWORDS,
     "get_value($self, line)\n--\n\nThe logical value of one line (0 or 1)."},
    {"set_value", (PyCFunction)(void (*)(void))gpio_set_value, METH_FASTCALL | METH_KEYWORDS,
     "set_value($self, line, value)\n--\n\nDrive one output line to a logical value (0 or 1)."},
};

static PyMethodDef edge_method_defs[] = {
    {"read_edge_events", (PyCFunction)(void (*)(void))gpio_read_edge_events, METH_FASTCALL | METH_KEYWORDS,
     "read_edge_events($self, max_events=None, timeout=None)\n--\n\nEvents in kernel order, as many as one read() "
     "returns (up to ``max_events``).\n\nBlocks until at least one arrives; with ``timeout``, returns [] when it "
     "passes."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef smbus_method_defs[] = {
    {"read_byte_data", (PyCFunction)(void (*)(void))smbus_read_byte_data, METH_FASTCALL | METH_KEYWORDS,
     "read_byte_data($self, register)\n--\n\nSMBus read byte data: one byte from ``register``."},
    {"read_word_data", (PyCFunction)(void (*)(void))smbus_read_word_data, METH_FASTCALL | METH_KEYWORDS,
     "read_word_data($self, register)\n--\n\nSMBus read word data (little-endian on the wire, as SMBus defines)."},
};

PyDoc_STRVAR(c_methods_doc,
"c_methods(cls, group, python_1, python_2) -> (method_1, method_2)\n\n"
"The C methods of group (\"gpio\": get_value, set_value of LineRequest; \"edge\": its read_edge_events\n"
"(python_2 and method_2 None); \"smbus\": read_byte_data, read_word_data of Device) as method\n"
"descriptors of cls, falling back to the Python functions given. cls keeps the C state in a\n"
"__slots__ member: _c_values, _c_events or _c_reads.");

static PyObject *c_methods(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyMethodDef *defs;
    PyObject **python, *first, *second, *result;
    Py_ssize_t offset;
    const char *group;
    (void)module;
    if (arg_count("c_methods", nargs, 4))
        return NULL;
    if (!PyType_Check(args[0]) || !PyUnicode_Check(args[1]) || !PyCallable_Check(args[2])
        || !(PyCallable_Check(args[3]) || args[3] == Py_None)) {
        PyErr_SetString(PyExc_TypeError, "c_methods() takes a class, a group name and one or two functions");
        return NULL;
    }
    group = PyUnicode_AsUTF8(args[1]);
    if (group == NULL)
        return NULL;
    if (!strcmp(group, "gpio")) {
        defs = gpio_method_defs;
        python = gpio_python;
        offset = slot_offset(args[0], gpio_state_name);
        gpio_state_offset = offset;
    } else if (!strcmp(group, "smbus")) {
        defs = smbus_method_defs;
        python = smbus_python;
        offset = slot_offset(args[0], smbus_state_name);
        smbus_state_offset = offset;
    } else if (!strcmp(group, "edge")) {
        defs = edge_method_defs;
        python = edge_python;
        offset = slot_offset(args[0], edge_state_name);
        edge_state_offset = offset;
    } else {
        PyErr_Format(PyExc_ValueError, "no C methods for %R", args[1]);
        return NULL;
    }
    if (offset < 0)
        return NULL;
    first = PyDescr_NewMethod((PyTypeObject *)args[0], &defs[0]);
    second = first && defs[1].ml_name ? PyDescr_NewMethod((PyTypeObject *)args[0], &defs[1]) : NULL;
    if (first != NULL && !defs[1].ml_name) {
        Py_INCREF(Py_None);
        second = Py_None;
    }
    result = second ? PyTuple_Pack(2, first, second) : NULL;
    Py_XDECREF(first);
    Py_XDECREF(second);
    if (result != NULL) {
        Py_INCREF(args[2]);
        Py_XSETREF(python[0], args[2]);
        Py_INCREF(args[3]);
        Py_XSETREF(python[1], args[3]);
    }
    return result;
}

/* The owner of one mapping: exports it through the buffer protocol, unmaps it when the last
 * export (memoryview, numpy array, ...) and the owner itself are gone, then calls on_unmap. */
typedef struct {
    PyObject_HEAD
    void *addr;
    Py_ssize_t length;
    int readonly;
    PyObject *on_unmap;
} Mapping;

static int mapping_getbuffer(PyObject *obj, Py_buffer *view, int flags)
{
    Mapping *self = (Mapping *)obj;
    return PyBuffer_FillInfo(view, obj, self->addr, self->length, self->readonly, flags);
}

static void mapping_dealloc(PyObject *obj)
{
    Mapping *self = (Mapping *)obj;
    PyObject *on_unmap = self->on_unmap;
    munmap(self->addr, (size_t)self->length);
    if (on_unmap != NULL) {
        PyObject *type, *value, *traceback, *result;
        PyErr_Fetch(&type, &value, &traceback); /* dealloc may run while an exception propagates */
        result = PyObject_CallNoArgs(on_unmap);
        if (result == NULL)
            PyErr_WriteUnraisable(on_unmap);
        Py_XDECREF(result);
        Py_DECREF(on_unmap);
        PyErr_Restore(type, value, traceback);
    }
    PyObject_Free(obj);
}

static PyBufferProcs mapping_as_buffer = {mapping_getbuffer, NULL};

static PyTypeObject MappingType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.Mapping",
    .tp_basicsize = sizeof(Mapping),
    .tp_dealloc = mapping_dealloc,
    .tp_as_buffer = &mapping_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One mmap()ed range, unmapped when the last view of it is gone.",
};

PyDoc_STRVAR(mapping_view_doc,
"mapping_view(addr, length, writable, on_unmap=None) -> memoryview\n\n"
"Take ownership of length mapped bytes at addr (from mmap): a memoryview of them (read-only\n"
"unless writable). munmap() runs, then on_unmap(), when the last view of it, slice or array\n"
"made from it is gone, never while one is alive.");

/* A memoryview owning the mapping at addr (unmapped with the last view, then on_unmap()). */
static PyObject *owned_view(void *addr, Py_ssize_t length, int writable, PyObject *on_unmap)
{
    PyObject *view;
    Mapping *mapping = PyObject_New(Mapping, &MappingType);
    if (mapping == NULL) {
        munmap(addr, (size_t)length);
        return NULL;
    }
    mapping->addr = addr;
    mapping->length = length;
    mapping->readonly = !writable;
    Py_XINCREF(on_unmap);
    mapping->on_unmap = on_unmap;
    view = PyMemoryView_FromObject((PyObject *)mapping);
    Py_DECREF(mapping); /* the view holds it now (or, on failure, this unmaps) */
    return view;
}

static int arg_length(PyObject *obj, Py_ssize_t *length)
{
    *length = PyLong_AsSsize_t(obj);
    if (*length == -1 && PyErr_Occurred())
        return -1;
    if (*length <= 0) {
        PyErr_SetString(PyExc_ValueError, "length must be > 0");
        return -1;
    }
    return 0;
}

static PyObject *mapping_view(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    void *addr;
    Py_ssize_t length;
    int writable;
    (void)module;
    if (nargs != 3 && nargs != 4) {
        PyErr_Format(PyExc_TypeError, "mapping_view() takes 3 or 4 arguments (%zd given)", nargs);
        return NULL;
    }
    addr = PyLong_AsVoidPtr(args[0]);
    if ((addr == NULL && PyErr_Occurred()) || arg_length(args[1], &length))
        return NULL;
    writable = PyObject_IsTrue(args[2]);
    if (writable < 0)
        return NULL;
    return owned_view(addr, length, writable, nargs == 4 && args[3] != Py_None ? args[3] : NULL);
}

PyDoc_STRVAR(map_shared_doc,
"map_shared(fd, length, offset, writable) -> memoryview\n\n"
"mmap(MAP_SHARED) of length bytes of fd from offset, as mapping_view() returns it.");

static PyObject *map_shared(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t length;
    long long offset;
    void *addr;
    int fd, writable, err = 0;
    (void)module;
    if (arg_count("map_shared", nargs, 4) || arg_fd(args[0], &fd))
        return NULL;
    length = PyLong_AsSsize_t(args[1]); /* 0 and past-the-end lengths are mmap's to refuse (EINVAL) */
    if (length == -1 && PyErr_Occurred())
        return NULL;
    if (length < 0) {
        PyErr_SetString(PyExc_ValueError, "length must be >= 0");
        return NULL;
    }
    offset = PyLong_AsLongLong(args[2]);
    if (offset == -1 && PyErr_Occurred())
        return NULL;
    writable = PyObject_IsTrue(args[3]);
    if (writable < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    addr = mmap(NULL, (size_t)length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, (off_t)offset);
    if (addr == MAP_FAILED)
        err = errno;
    Py_END_ALLOW_THREADS
    if (addr == MAP_FAILED)
        return failed(err);
    return owned_view(addr, length, writable, NULL);
}

#include <fcntl.h>

/* ==== DMA-BUF: dmabuf.Buffer's C base, its cpu_access block, Heap.allocate ===================== *
 * One buffer's life (allocate, cpu_access, close) is a handful of syscalls: the Python frames around
 * them cost more than they do. BufferBase holds what they need (fd, size, the mapping) and makes them
 * here; dmabuf.Buffer (Python) subclasses it for everything else and keeps the error messages, which
 * these call on failure. With a backend other than the kernel's (the mock, a test's recorder) the
 * same code calls the backend's methods, so every backend is driven through the same seam. The
 * buffer's fd and the heap's are used between gate_enter and gate_leave of their FdGates, as every
 * Handle's: close() from another thread never closes an fd under a call in flight. */

static PyObject *dma_direct_backend; /* the last backend found to be the kernel's (a strong ref) */
static PyObject *dma_direction;      /* dmabuf.buffer._direction(read, write), for named flags */
static PyObject *dma_read_name, *dma_write_name, *dma_release_name, *dma_close_name;
static long page_size;

static int add_type(PyObject *module, const char *name, PyTypeObject *type);

/* Whether backend is the kernel backend (its calls are this module's and os.close): then the
 * syscalls are made here, without calling it. 1, 0, or -1 with an exception set. */
static int dma_is_direct(PyObject *backend)
{
    static const char *const names[] = {"dma_buf_sync", "mmap", "dma_heap_alloc", "close"};
    static const PyCFunction functions[] = {
        (PyCFunction)(void (*)(void))dma_buf_sync, (PyCFunction)(void (*)(void))map_shared,
        (PyCFunction)(void (*)(void))dma_heap_alloc, NULL};
    if (backend == dma_direct_backend)
        return 1;
    for (int i = 0; i < 4; i++) {
        PyObject *call = PyObject_GetAttrString(backend, names[i]);
        int same;
        if (call == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_AttributeError))
                return -1;
            PyErr_Clear();
            return 0;
        }
        same = functions[i] ? PyCFunction_Check(call) && PyCFunction_GET_FUNCTION(call) == functions[i]
                            : call == os_close;
        Py_DECREF(call);
        if (!same)
            return 0;
    }
    Py_INCREF(backend);
    Py_XSETREF(dma_direct_backend, backend);
    return 1;
}

/* The pending exception, normalized with its traceback (a new reference), and none left pending. */
static PyObject *dma_take_exception(void)
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (traceback != NULL && value != NULL)
        PyException_SetTraceback(value, traceback);
    Py_XDECREF(type);
    Py_XDECREF(traceback);
    return value;
}

/* NULL, with the exception the Python error helper raised (result is its result) chained to
 * cause (stolen) as its __context__, as when it is raised inside an except block. */
static PyObject *dma_chained(PyObject *result, PyObject *cause)
{
    PyObject *type, *value, *traceback;
    if (result != NULL) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_SystemError, "a dmabuf error helper returned instead of raising");
    }
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value != NULL && cause != NULL && value != cause)
        PyException_SetContext(value, cause); /* steals cause */
    else
        Py_XDECREF(cause);
    PyErr_Restore(type, value, traceback);
    return NULL;
}

/* Whether the pending exception is an OSError from a call (else, say a signal handler's
 * KeyboardInterrupt, it propagates as it is). */
static int dma_os_failure(void)
{
    return PyErr_ExceptionMatches(PyExc_OSError);
}

/* The fd's calls (mmap, DMA_BUF_IOCTL_SYNC) run inside its FdGate, as every Handle's: close() from
 * another thread marks the gate closed and the fd goes when the last call in flight has left. */
typedef struct {
    PyObject_HEAD
    int fd;        /* -1 once close() began (the buffer's own state; gate->fd says the same) */
    char writable; /* the mapping's PROT_WRITE */
    char direct;   /* backend is the kernel's: the syscalls are made here */
    Py_ssize_t size;
    FdGate *gate;   /* the fd's calls in flight; closes it through the backend's close */
    PyObject *view; /* the whole mapping (a memoryview), or NULL */
    PyObject *backend, *path, *exporter;
} BufferBase;

static PyTypeObject BufferBaseType;

static PyObject *buffer_base_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    BufferBase *self = (BufferBase *)type->tp_alloc(type, 0);
    (void)args;
    (void)kwargs;
    if (self != NULL) {
        self->fd = -1;
        self->writable = 1;
    }
    return (PyObject *)self;
}

static int buffer_base_traverse(PyObject *obj, visitproc visit, void *arg)
{
    BufferBase *self = (BufferBase *)obj;
    Py_VISIT(self->view);
    Py_VISIT(self->backend);
    Py_VISIT(self->gate);
    return 0;
}

static int buffer_base_clear(PyObject *obj)
{
    BufferBase *self = (BufferBase *)obj;
    Py_CLEAR(self->view);
    Py_CLEAR(self->backend);
    Py_CLEAR(self->path);
    Py_CLEAR(self->exporter);
    Py_CLEAR(self->gate);
    return 0;
}

/* close(): the gate refuses new calls and closes the fd once none is in flight; -1 with the
 * closer's exception set. */
static int buffer_shut(BufferBase *self)
{
    if (self->fd < 0)
        return 0;
    self->fd = -1;
    return self->gate == NULL ? 0 : gate_shut(self->gate);
}

/* A forgotten buffer (collected before close()): its fd is closed, with a ResourceWarning. */
static void buffer_base_finalize(PyObject *obj)
{
    BufferBase *self = (BufferBase *)obj;
    PyObject *type, *value, *traceback;
    if (self->fd < 0)
        return;
    PyErr_Fetch(&type, &value, &traceback); /* it may run while an exception propagates */
    if (PyErr_WarnFormat(PyExc_ResourceWarning, 1,
                         "unclosed dma-buf (%S) from %S: closing it now; use close() or a with block",
                         self->exporter ? self->exporter : Py_None, self->path ? self->path : Py_None) < 0)
        PyErr_WriteUnraisable(obj);
    if (buffer_shut(self) < 0)
        PyErr_WriteUnraisable(obj);
    PyErr_Restore(type, value, traceback);
}

static void buffer_base_dealloc(PyObject *obj)
{
    PyObject_GC_UnTrack(obj);
    if (PyObject_CallFinalizerFromDealloc(obj) < 0)
        return; /* resurrected */
    buffer_base_clear(obj);
    Py_TYPE(obj)->tp_free(obj);
}

/* Raise the subclass's ClosedError; always NULL. */
static PyObject *buffer_raise_closed(PyObject *obj)
{
    return dma_chained(PyObject_CallMethod(obj, "_raise_closed", NULL), NULL);
}

/* The whole mapping (a new reference), made on first use; NULL with the library's error set. */
static PyObject *buffer_mapping(BufferBase *self)
{
    PyObject *view;
    FdGate *gate = self->gate;
    int fd;
    if (self->view != NULL) {
        Py_INCREF(self->view);
        return self->view;
    }
    if (self->fd < 0 || gate == NULL)
        return buffer_raise_closed((PyObject *)self);
    Py_INCREF(gate); /* the gate of this call, whatever happens to the buffer's meanwhile */
    fd = gate_enter(gate);
    if (self->direct) {
        void *addr;
        int err = 0;
        Py_BEGIN_ALLOW_THREADS
        addr = mmap(NULL, (size_t)self->size, PROT_READ | (self->writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
        if (addr == MAP_FAILED)
            err = errno;
        Py_END_ALLOW_THREADS
        view = addr == MAP_FAILED ? failed(err) : owned_view(addr, self->size, self->writable, NULL);
    } else {
        view = PyObject_CallMethod(self->backend, "mmap", "innO", fd, self->size, (Py_ssize_t)0,
                                   self->writable ? Py_True : Py_False);
    }
    gate_leave(gate);
    Py_DECREF(gate);
    if (view == NULL) {
        PyObject *exc;
        if (!dma_os_failure())
            return NULL;
        exc = dma_take_exception();
        return dma_chained(PyObject_CallMethod((PyObject *)self, "_map_failed", "O", exc), exc);
    }
    if (self->fd >= 0) { /* closed meanwhile (another thread): the caller's view alone keeps the mapping */
        Py_INCREF(view);
        Py_XSETREF(self->view, view);
    }
    return view;
}

/* DMA_BUF_IOCTL_SYNC with flags, inside the gate: 0, or -1 with the library's error (made by the
 * Python _sync_failed, named operation; ClosedError once closed) set. With operation NULL an
 * OSError or a closed buffer is ignored (0): the block's exception wins. */
static int buffer_sync(BufferBase *self, unsigned long flags, const char *operation)
{
    PyObject *exc, *result = NULL;
    FdGate *gate = self->gate;
    int fd;
    if (gate == NULL || gate->fd < 0) {
        if (operation != NULL)
            buffer_raise_closed((PyObject *)self);
        return operation != NULL ? -1 : 0;
    }
    Py_INCREF(gate);
    fd = gate_enter(gate);
    if (self->direct) {
        struct dma_buf_sync sync = {0};
        int ret;
        sync.flags = flags;
        do {
            ret = ioctl_nogil(fd, DMA_BUF_IOCTL_SYNC, &sync);
        } while (ret == -EAGAIN);
        if (ret < 0)
            failed(-ret);
        else
            result = Py_None;
    } else {
        result = PyObject_CallMethod(self->backend, "dma_buf_sync", "ik", fd, flags);
        Py_XDECREF(result);
    }
    gate_leave(gate);
    Py_DECREF(gate);
    if (result != NULL)
        return 0;
    if (!dma_os_failure())
        return -1;
    if (operation == NULL) {
        PyErr_Clear();
        return 0;
    }
    exc = dma_take_exception();
    dma_chained(PyObject_CallMethod((PyObject *)self, "_sync_failed", "Oks", exc, flags, operation), exc);
    return -1;
}

PyDoc_STRVAR(buffer_map_doc,
"map($self, /)\n--\n\n"
"The whole buffer mapped into this process (MAP_SHARED), as a memoryview.\n\n"
"Writable unless the fd was opened read-only. The mapping is made once per Buffer;\n"
"each call returns a new view of it. The memory stays mapped while any view (or numpy\n"
"array made from one) is alive, even after :meth:`unmap` or :meth:`close`.");

static PyObject *buffer_map(PyObject *obj, PyObject *unused)
{
    PyObject *base = buffer_mapping((BufferBase *)obj), *view;
    (void)unused;
    if (base == NULL)
        return NULL;
    view = PyMemoryView_FromObject(base);
    Py_DECREF(base);
    return view;
}

PyDoc_STRVAR(buffer_close_doc,
"close($self, /)\n--\n\n"
"Close the fd and let go of the mapping (views already taken keep it until released).");

static PyObject *buffer_close(PyObject *obj, PyObject *unused)
{
    (void)unused;
    Py_CLEAR(((BufferBase *)obj)->view);
    if (buffer_shut((BufferBase *)obj) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* The with block of cpu_access: START and a view of the mapping on entry, END and the view
 * released on exit. */
typedef struct {
    PyObject_HEAD
    BufferBase *buf;
    PyObject *view; /* the block's view, between __enter__ and __exit__ */
    unsigned long rw; /* DMA_BUF_SYNC_READ / WRITE */
} CpuAccess;

static PyTypeObject CpuAccessType;

PyDoc_STRVAR(buffer_cpu_access_doc,
"cpu_access($self, /, *, read=None, write=None)\n--\n\n"
"``with buf.cpu_access(write=True) as view:`` — START before the block, END after it.\n\n"
"``read``/``write`` say what the CPU does: both when neither is given, else only what is\n"
"set (``cpu_access(write=True)`` is write-only). Yields a view of :meth:`map`'s mapping that\n"
"is released when the block ends, as access should (arrays made from it keep working; take\n"
":meth:`map` for a view of your own). END is issued even when the block raises (then the\n"
"block's exception propagates, not an END failure).");

static PyObject *buffer_cpu_access(PyObject *obj, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *read = Py_None, *write = Py_None;
    unsigned long rw = DMA_BUF_SYNC_RW;
    CpuAccess *access;
    (void)args;
    if (nargs != 0) {
        PyErr_Format(PyExc_TypeError, "cpu_access() takes no positional arguments (%zd given)", nargs);
        return NULL;
    }
    if (kwnames != NULL) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
            PyObject *key = PyTuple_GET_ITEM(kwnames, i);
            if (key == dma_read_name || PyUnicode_Compare(key, dma_read_name) == 0)
                read = args[i];
            else if (key == dma_write_name || PyUnicode_Compare(key, dma_write_name) == 0)
                write = args[i];
            else {
                if (!PyErr_Occurred())
                    PyErr_Format(PyExc_TypeError, "cpu_access() got an unexpected keyword argument %R", key);
                return NULL;
            }
        }
        if (read != Py_None || write != Py_None) {
            PyObject *flags = PyObject_CallFunctionObjArgs(dma_direction, read, write, NULL);
            if (flags == NULL)
                return NULL;
            rw = PyLong_AsUnsignedLong(flags);
            Py_DECREF(flags);
            if (rw == (unsigned long)-1 && PyErr_Occurred())
                return NULL;
        }
    }
    access = PyObject_GC_New(CpuAccess, &CpuAccessType);
    if (access == NULL)
        return NULL;
    Py_INCREF(obj);
    access->buf = (BufferBase *)obj;
    access->view = NULL;
    access->rw = rw;
    PyObject_GC_Track(access);
    return (PyObject *)access;
}

static int cpu_access_traverse(PyObject *obj, visitproc visit, void *arg)
{
    CpuAccess *self = (CpuAccess *)obj;
    Py_VISIT(self->buf);
    Py_VISIT(self->view);
    return 0;
}

static int cpu_access_clear(PyObject *obj)
{
    CpuAccess *self = (CpuAccess *)obj;
    Py_CLEAR(self->buf);
    Py_CLEAR(self->view);
    return 0;
}

static void cpu_access_dealloc(PyObject *obj)
{
    PyObject_GC_UnTrack(obj);
    cpu_access_clear(obj);
    PyObject_GC_Del(obj);
}

/* view.release(), unless something still exports it (an array made from it: it keeps the
 * mapping alive). Any exception pending before is kept. */
static int release_view(PyObject *view)
{
    PyObject *type, *value, *traceback, *result;
    int ok = 0;
    PyErr_Fetch(&type, &value, &traceback);
    result = PyObject_CallMethodNoArgs(view, dma_release_name);
    if (result != NULL)
        Py_DECREF(result);
    else if (PyErr_ExceptionMatches(PyExc_BufferError))
        PyErr_Clear();
    else
        ok = -1;
    Py_DECREF(view);
    if (type != NULL) {
        if (ok < 0)
            PyErr_Clear(); /* the first error wins */
        PyErr_Restore(type, value, traceback);
    }
    return ok;
}

static PyObject *cpu_access_enter(PyObject *obj, PyObject *unused)
{
    CpuAccess *self = (CpuAccess *)obj;
    PyObject *base, *view;
    (void)unused;
    base = buffer_mapping(self->buf); /* raises if the buffer is closed */
    if (base == NULL)
        return NULL;
    view = PyMemoryView_FromObject(base);
    Py_DECREF(base);
    if (view == NULL)
        return NULL;
    if (buffer_sync(self->buf, DMA_BUF_SYNC_START | self->rw, "begin CPU access (DMA_BUF_IOCTL_SYNC START)") < 0) {
        release_view(view);
        return NULL;
    }
    Py_INCREF(view);
    Py_XSETREF(self->view, view);
    return view;
}

static PyObject *cpu_access_exit(PyObject *obj, PyObject *const *args, Py_ssize_t nargs)
{
    CpuAccess *self = (CpuAccess *)obj;
    PyObject *view = self->view, *result = Py_None;
    int raised = nargs > 0 && args[0] != Py_None; /* the block raised: its exception wins */
    self->view = NULL;
    if (buffer_sync(self->buf, DMA_BUF_SYNC_END | self->rw, raised ? NULL : "end CPU access (DMA_BUF_IOCTL_SYNC END)") < 0)
        result = NULL; /* closed meanwhile: ClosedError, unless the block raised */
    if (view != NULL && release_view(view) < 0)
        result = NULL;
    Py_XINCREF(result);
    return result;
}

static PyMethodDef cpu_access_methods[] = {
    {"__enter__", cpu_access_enter, METH_NOARGS, "START, then a view of the buffer's mapping."},
    {"__exit__", (PyCFunction)(void (*)(void))cpu_access_exit, METH_FASTCALL, "END, and the view is released."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CpuAccessType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.CpuAccess",
    .tp_basicsize = sizeof(CpuAccess),
    .tp_dealloc = cpu_access_dealloc,
    .tp_traverse = cpu_access_traverse,
    .tp_clear = cpu_access_clear,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The with block of dmabuf.Buffer.cpu_access (made by it).",
    .tp_methods = cpu_access_methods,
};

static PyObject *buffer_get_backend(PyObject *obj, void *closure)
{
    BufferBase *self = (BufferBase *)obj;
    (void)closure;
    if (self->backend == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_backend");
        return NULL;
    }
    Py_INCREF(self->backend);
    return self->backend;
}

static int buffer_set_backend(PyObject *obj, PyObject *value, void *closure)
{
    BufferBase *self = (BufferBase *)obj;
    int direct;
    (void)closure;
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_backend cannot be deleted");
        return -1;
    }
    direct = dma_is_direct(value);
    if (direct < 0)
        return -1;
    self->direct = (char)direct;
    Py_INCREF(value);
    Py_XSETREF(self->backend, value);
    return 0;
}

static PyObject *buffer_get_gate(PyObject *obj, void *closure)
{
    BufferBase *self = (BufferBase *)obj;
    (void)closure;
    if (self->gate == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_gate");
        return NULL;
    }
    Py_INCREF(self->gate);
    return (PyObject *)self->gate;
}

static int buffer_set_gate(PyObject *obj, PyObject *value, void *closure)
{
    BufferBase *self = (BufferBase *)obj;
    (void)closure;
    if (value == NULL || !PyObject_TypeCheck(value, &FdGateType)) {
        PyErr_SetString(PyExc_TypeError, "_gate must be an FdGate");
        return -1;
    }
    Py_INCREF(value);
    Py_XSETREF(self->gate, (FdGate *)value);
    return 0;
}

static PyObject *buffer_get_view(PyObject *obj, void *closure)
{
    PyObject *view = ((BufferBase *)obj)->view;
    (void)closure;
    if (view == NULL)
        Py_RETURN_NONE;
    Py_INCREF(view);
    return view;
}

static int buffer_set_view(PyObject *obj, PyObject *value, void *closure)
{
    BufferBase *self = (BufferBase *)obj;
    (void)closure;
    if (value != NULL && value != Py_None && !PyMemoryView_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "_view must be a memoryview or None");
        return -1;
    }
    Py_XINCREF(value == Py_None ? NULL : value);
    Py_XSETREF(self->view, value == Py_None ? NULL : value);
    return 0;
}

static PyObject *buffer_get_writable(PyObject *obj, void *closure)
{
    (void)closure;
    return PyBool_FromLong(((BufferBase *)obj)->writable);
}

static int buffer_set_writable(PyObject *obj, PyObject *value, void *closure)
{
    int writable = value == NULL ? -1 : PyObject_IsTrue(value);
    (void)closure;
    if (writable < 0) {
        if (value == NULL)
            PyErr_SetString(PyExc_AttributeError, "writable cannot be deleted");
        return -1;
    }
    ((BufferBase *)obj)->writable = (char)writable;
    return 0;
}

static PyGetSetDef buffer_base_getset[] = {
    {"writable", buffer_get_writable, buffer_set_writable, "Whether the mapping is writable.", NULL},
    {"_backend", buffer_get_backend, buffer_set_backend, "The backend the buffer's calls go through.", NULL},
    {"_view", buffer_get_view, buffer_set_view, "The whole mapping, or None before map().", NULL},
    {"_gate", buffer_get_gate, buffer_set_gate, "The fd's calls in flight (an FdGate, as every Handle's).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef buffer_base_members[] = {
    {"_fd", T_INT, offsetof(BufferBase, fd), 0, "The dma-buf fd, -1 once closed."},
    {"size", T_PYSSIZET, offsetof(BufferBase, size), 0, "The buffer's size in bytes (page-rounded by the kernel)."},
    {"path", T_OBJECT, offsetof(BufferBase, path), 0, "The node the buffer came from (for messages)."},
    {"exporter", T_OBJECT, offsetof(BufferBase, exporter), 0, "The exporter's name (\"system\", \"udmabuf\"...)."},
    {NULL, 0, 0, 0, NULL},
};

static PyMethodDef buffer_base_methods[] = {
    {"map", buffer_map, METH_NOARGS, buffer_map_doc},
    {"close", buffer_close, METH_NOARGS, buffer_close_doc},
    {"cpu_access", (PyCFunction)(void (*)(void))buffer_cpu_access, METH_FASTCALL | METH_KEYWORDS,
     buffer_cpu_access_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject BufferBaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.BufferBase",
    .tp_basicsize = sizeof(BufferBase),
    .tp_dealloc = buffer_base_dealloc,
    .tp_traverse = buffer_base_traverse,
    .tp_clear = buffer_base_clear,
    .tp_finalize = buffer_base_finalize,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The C half of dmabuf.Buffer: its fd, size and mapping; map, close and cpu_access.",
    .tp_getset = buffer_base_getset,
    .tp_members = buffer_base_members,
    .tp_methods = buffer_base_methods,
    .tp_new = buffer_base_new,
};

/* An open heap's C state (Heap._c_alloc), made only for the kernel backend and a heap whose
 * buffers are exactly the page-rounded length (system, CMA): the heap's gate (its fd) and what its
 * buffers carry, among them the closer of their gates (the backend's close). */
typedef struct {
    PyObject_HEAD
    FdGate *gate;
    PyObject *cls, *backend, *closer, *path, *exporter;
} HeapAlloc;

static PyTypeObject HeapAllocType;
static PyObject *heap_python;    /* Heap.allocate in Python */
static PyObject *heap_state_name; /* "_c_alloc" */
static Py_ssize_t heap_state_offset = -1;

PyDoc_STRVAR(heap_alloc_doc,
"dma_heap_state(heap_gate, buffer_class, backend, path, exporter) -> HeapAlloc or None\n\n"
"Heap.allocate's C state (heap_gate is the heap's FdGate), or None when backend is not the\n"
"kernel's (then it stays in Python).");

static PyObject *dma_heap_state(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    HeapAlloc *state;
    PyObject *closer;
    int direct;
    (void)module;
    if (arg_count("dma_heap_state", nargs, 5))
        return NULL;
    if (!PyObject_TypeCheck(args[0], &FdGateType)) {
        PyErr_SetString(PyExc_TypeError, "dma_heap_state() needs the heap's FdGate");
        return NULL;
    }
    if (!PyType_Check(args[1]) || !PyType_IsSubtype((PyTypeObject *)args[1], &BufferBaseType)) {
        PyErr_SetString(PyExc_TypeError, "dma_heap_state() needs a BufferBase subclass");
        return NULL;
    }
    direct = dma_is_direct(args[2]);
    if (direct <= 0) {
        if (direct < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    closer = PyObject_GetAttr(args[2], dma_close_name);
    if (closer == NULL)
        return NULL;
    state = PyObject_New(HeapAlloc, &HeapAllocType);
    if (state == NULL) {
        Py_DECREF(closer);
        return NULL;
    }
    state->closer = closer;
    Py_INCREF(args[0]);
    state->gate = (FdGate *)args[0];
    Py_INCREF(args[1]);
    state->cls = args[1];
    Py_INCREF(args[2]);
    state->backend = args[2];
    Py_INCREF(args[3]);
    state->path = args[3];
    Py_INCREF(args[4]);
    state->exporter = args[4];
    return (PyObject *)state;
}

static void heap_alloc_dealloc(PyObject *obj)
{
    HeapAlloc *self = (HeapAlloc *)obj;
    Py_DECREF(self->gate);
    Py_DECREF(self->closer);
    Py_DECREF(self->cls);
    Py_DECREF(self->backend);
    Py_DECREF(self->path);
    Py_DECREF(self->exporter);
    PyObject_Free(obj);
}

static PyTypeObject HeapAllocType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.HeapAlloc",
    .tp_basicsize = sizeof(HeapAlloc),
    .tp_dealloc = heap_alloc_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Heap.allocate's C state (see dma_heap_state).",
};

/* allocate(size): the common call (one int size in range, the kernel backend) is DMA_HEAP_IOCTL_ALLOC
 * and the new Buffer, built here without its Python __init__; any other goes to the Python method. */
static PyObject *heap_allocate(PyObject *heap, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    struct dma_heap_allocation_data data = {0};
    HeapAlloc *state = (HeapAlloc *)c_state(heap, heap_state_offset, &HeapAllocType);
    PyTypeObject *cls;
    BufferBase *buf;
    long long size;
    int ret;
    if (state == NULL || nargs != 1 || kwnames != NULL || !PyLong_CheckExact(args[0]))
        goto python;
    size = PyLong_AsLongLong(args[0]);
    if (size == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        goto python;
    }
    /* past MAX_SIZE (on 32-bit: past what a Py_ssize_t holds once page-rounded): the Python method says why */
    if (size <= 0 || size > LLONG_MAX - page_size + 1
        || (unsigned long long)size > (unsigned long long)PY_SSIZE_T_MAX - page_size + 1)
        goto python;
    data.len = (__u64)size;
    data.fd_flags = O_RDWR | O_CLOEXEC;
    ret = ioctl_nogil(gate_enter(state->gate), DMA_HEAP_IOCTL_ALLOC, &data); /* closed: EBADF, then ClosedError */
    gate_leave(state->gate); /* state holds the gate: the heap's close() may drop state meanwhile, not it */
    if (ret < 0) {
        PyObject *exc;
        Py_DECREF(state);
        failed(-ret);
        if (!dma_os_failure())
            return NULL;
        exc = dma_take_exception();
        return dma_chained(PyObject_CallMethod(heap, "_raise_alloc_error", "iL", -ret, size), exc);
    }
    cls = (PyTypeObject *)state->cls;
    buf = (BufferBase *)cls->tp_alloc(cls, 0);
    if (buf != NULL)
        buf->fd = -1; /* not yet owned: no finalizer's warning if the gate cannot be made */
    if (buf != NULL && (buf->gate = gate_make(&FdGateType, (int)data.fd, state->closer)) == NULL)
        Py_CLEAR(buf);
    if (buf == NULL) {
        close((int)data.fd);
        Py_DECREF(state);
        return NULL;
    }
    buf->fd = (int)data.fd;
    buf->writable = 1;
    buf->direct = 1;
    buf->size = (Py_ssize_t)(((unsigned long long)size + page_size - 1) & ~(unsigned long long)(page_size - 1));
    Py_INCREF(state->backend);
    buf->backend = state->backend;
    Py_INCREF(state->path);
    buf->path = state->path;
    Py_INCREF(state->exporter);
    buf->exporter = state->exporter;
    Py_DECREF(state);
    return (PyObject *)buf;

python:
    Py_XDECREF(state);
    return call_python(heap_python, heap, args, nargs, kwnames);
}

static PyMethodDef heap_allocate_def = {
    "allocate", (PyCFunction)(void (*)(void))heap_allocate, METH_FASTCALL | METH_KEYWORDS,
    "allocate($self, size, *, name=None)\n--\n\nA new zeroed buffer of at least ``size`` bytes (the kernel "
    "rounds up to whole pages;\n``Buffer.size`` is what it gave). ``name`` labels it for fdinfo/debugfs."};

PyDoc_STRVAR(dma_methods_doc,
"dma_methods(heap_class, python_allocate, direction) -> allocate\n\n"
"Heap.allocate as a C method descriptor of heap_class (its C state in the __slots__ member\n"
"_c_alloc, see dma_heap_state), falling back to python_allocate; direction is\n"
"dmabuf.buffer._direction, which cpu_access calls for named read/write flags.");

static PyObject *dma_methods(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t offset;
    (void)module;
    if (arg_count("dma_methods", nargs, 3))
        return NULL;
    if (!PyType_Check(args[0]) || !PyCallable_Check(args[1]) || !PyCallable_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "dma_methods() takes a class and two functions");
        return NULL;
    }
    offset = slot_offset(args[0], heap_state_name);
    if (offset < 0)
        return NULL;
    heap_state_offset = offset;
    Py_INCREF(args[1]);
    Py_XSETREF(heap_python, args[1]);
    Py_INCREF(args[2]);
    Py_XSETREF(dma_direction, args[2]);
    return PyDescr_NewMethod((PyTypeObject *)args[0], &heap_allocate_def);
}

/* The module's DMA-BUF part: its types and names; -1 with an exception set. */
static int dma_init(PyObject *module)
{
    PyObject *os = PyImport_ImportModule("os");
    if (os == NULL)
        return -1;
    os_close = PyObject_GetAttrString(os, "close");
    Py_DECREF(os);
    page_size = sysconf(_SC_PAGESIZE);
    dma_read_name = PyUnicode_InternFromString("read");
    dma_write_name = PyUnicode_InternFromString("write");
    dma_release_name = PyUnicode_InternFromString("release");
    dma_close_name = PyUnicode_InternFromString("close");
    heap_state_name = PyUnicode_InternFromString("_c_alloc");
    if (!os_close || !dma_read_name || !dma_write_name || !dma_release_name || !dma_close_name
        || !heap_state_name || PyType_Ready(&BufferBaseType) < 0 || PyType_Ready(&CpuAccessType) < 0
        || PyType_Ready(&HeapAllocType) < 0)
        return -1;
    if (add_type(module, "BufferBase", &BufferBaseType) < 0 || add_type(module, "CpuAccess", &CpuAccessType) < 0
        || add_type(module, "HeapAlloc", &HeapAllocType) < 0)
        return -1;
    return 0;
}
/* ==== end of the DMA-BUF section ================================================================ */

static PyMethodDef fastpath_methods[] = {
    {"gpio_get_values", (PyCFunction)(void (*)(void))gpio_get_values, METH_FASTCALL, gpio_get_values_doc},
    {"gpio_set_values", (PyCFunction)(void (*)(void))gpio_set_values, METH_FASTCALL, gpio_set_values_doc},
    {"edge_events", (PyCFunction)(void (*)(void))edge_events, METH_FASTCALL, edge_events_doc},
    {"smbus_value", (PyCFunction)(void (*)(void))smbus_value, METH_FASTCALL, smbus_value_doc},
    {"spi_exchange", (PyCFunction)(void (*)(void))spi_exchange, METH_FASTCALL, spi_exchange_doc},
    {"dma_heap_alloc", (PyCFunction)(void (*)(void))dma_heap_alloc, METH_FASTCALL, dma_heap_alloc_doc},
    {"dma_buf_sync", (PyCFunction)(void (*)(void))dma_buf_sync, METH_FASTCALL, dma_buf_sync_doc},
    {"mapping_view", (PyCFunction)(void (*)(void))mapping_view, METH_FASTCALL, mapping_view_doc},
    {"map_shared", (PyCFunction)(void (*)(void))map_shared, METH_FASTCALL, map_shared_doc},
    {"c_methods", (PyCFunction)(void (*)(void))c_methods, METH_FASTCALL, c_methods_doc},
    {"dma_heap_state", (PyCFunction)(void (*)(void))dma_heap_state, METH_FASTCALL, heap_alloc_doc},
    {"dma_methods", (PyCFunction)(void (*)(void))dma_methods, METH_FASTCALL, dma_methods_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastpath_module = {
    PyModuleDef_HEAD_INIT, "linuxhw._fastpath",
    "Per-operation GPIO, SMBus, SPI and dma-buf calls in C (see linuxhw/_fastpath.c).", -1,
    fastpath_methods, NULL, NULL, NULL, NULL,
};

static int add_type(PyObject *module, const char *name, PyTypeObject *type)
{
    Py_INCREF(type);
    if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit__fastpath(void)
{
    PyObject *module;
    if (PyType_Ready(&FdGateType) < 0 || PyType_Ready(&MappingType) < 0 || PyType_Ready(&SpiWriterType) < 0 || PyType_Ready(&GpioValuesType) < 0
        || PyType_Ready(&I2cChannelType) < 0 || PyType_Ready(&SmbusReadsType) < 0 || PyType_Ready(&EdgeReadsType) < 0)
        return NULL;
    edge_state_name = PyUnicode_InternFromString("_c_events");
    edge_check_name = PyUnicode_InternFromString("_check_sequence");
    lock_names[0] = PyUnicode_InternFromString("acquire");
    lock_names[1] = PyUnicode_InternFromString("release");
    edge_counter_names[0] = PyUnicode_InternFromString("_events_read");
    edge_counter_names[1] = PyUnicode_InternFromString("_max_seqno");
    edge_counter_names[2] = PyUnicode_InternFromString("lost_events");
    if (!edge_state_name || !edge_check_name || !edge_counter_names[0] || !edge_counter_names[1]
        || !edge_counter_names[2])
        return NULL;
    gpio_state_name = PyUnicode_InternFromString("_c_values");
    smbus_state_name = PyUnicode_InternFromString("_c_reads");
    smbus_operation[0] = PyUnicode_InternFromString("SMBus read byte");
    smbus_operation[1] = PyUnicode_InternFromString("SMBus read word");
    if (!gpio_state_name || !smbus_state_name || !smbus_operation[0] || !smbus_operation[1])
        return NULL;
    module = PyModule_Create(&fastpath_module);
    if (module == NULL)
        return NULL;
    if (add_type(module, "SpiWriter", &SpiWriterType) < 0 || add_type(module, "GpioValues", &GpioValuesType) < 0
        || add_type(module, "I2cChannel", &I2cChannelType) < 0 || add_type(module, "SmbusReads", &SmbusReadsType) < 0
        || add_type(module, "EdgeReads", &EdgeReadsType) < 0 || add_type(module, "FdGate", &FdGateType) < 0
        || dma_init(module) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
