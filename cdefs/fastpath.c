/* linuxhw._fastpath: the few per-operation calls where the cost of the call itself decides the
 * speed (one GPIO value, a read()'s worth of edge events, one SMBus byte or word, one short SPI
 * exchange, a dma-buf's allocation, sync and mapping). Plain CPython entry points (METH_FASTCALL, no
 * cffi argument conversion) on structs from the kernel's own headers, the GIL released around
 * each ioctl. Everything else goes through linuxhw._uapi; failures raise OSError with errno, which
 * the callers turn into the library's errors. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/gpio.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <linux/spi/spidev.h>

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
    if ((Py_ssize_t)record->id < PyTuple_GET_SIZE(types))
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
    Py_INCREF(type);
    PyTuple_SET_ITEM(event, 0, type);
    for (i = 0; i < 4; i++)
        PyTuple_SET_ITEM(event, i + 1, fields[i]);
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
    if (count < 0 || (size_t)records.len < (size_t)count * sizeof(struct gpio_v2_line_event)) {
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

static PyObject *spi_exchange(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    struct spi_ioc_transfer transfer;
    Py_buffer tx;
    PyObject *rx;
    int fd, ret;
    (void)module;
    if (arg_count("spi_exchange", nargs, 2) || arg_fd(args[0], &fd))
        return NULL;
    if (PyObject_GetBuffer(args[1], &tx, PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    if ((unsigned long long)tx.len > UINT32_MAX) {
        PyBuffer_Release(&tx);
        PyErr_SetString(PyExc_OverflowError, "an SPI transfer moves at most 2**32 - 1 bytes");
        return NULL;
    }
    rx = PyBytes_FromStringAndSize(NULL, tx.len);
    if (rx == NULL) {
        PyBuffer_Release(&tx);
        return NULL;
    }
    memset(&transfer, 0, sizeof(transfer));
    transfer.tx_buf = (__u64)(uintptr_t)tx.buf;
    transfer.rx_buf = (__u64)(uintptr_t)PyBytes_AS_STRING(rx);
    transfer.len = (__u32)tx.len;
    ret = ioctl_once(fd, SPI_IOC_MESSAGE(1), &transfer);
    PyBuffer_Release(&tx);
    if (ret < 0) {
        Py_DECREF(rx);
        return failed(-ret);
    }
    return rx;
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

/* spi.Device.write for the kernel backend, as a C callable stored on the instance: a call with
 * one bytes or bytearray argument of 1..bufsiz bytes is spidev's write(2) straight from it (as
 * py-spidev's writebytes2), with no Python frame; any other call, and every failure, goes to the
 * class's own Python write() and _write_failed(), which hold the rules and the error messages. */
typedef struct {
    PyObject_HEAD
    int fd;
    Py_ssize_t bufsiz;
    PyObject *device; /* a weak reference: the device owns this writer */
    vectorcallfunc vectorcall;
} SpiWriter;

/* A new reference to the writer's device, or NULL (with no exception set) once it is gone. */
static PyObject *writer_device(SpiWriter *self)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *device;
    return PyWeakref_GetRef(self->device, &device) > 0 ? device : NULL;
#else
    PyObject *device = PyWeakref_GetObject(self->device);
    if (device == Py_None)
        return NULL;
    Py_INCREF(device);
    return device;
#endif
}

static PyObject *spi_writer_general(SpiWriter *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    PyObject *device = writer_device(self), *method, *result;
    if (device == NULL) {
        PyErr_SetString(PyExc_ReferenceError, "the SPI device of this write() is gone");
        return NULL;
    }
    method = PyObject_GetAttrString((PyObject *)Py_TYPE(device), "write");
    if (method == NULL) {
        Py_DECREF(device);
        return NULL;
    }
    {
        Py_ssize_t nargs = PyVectorcall_NARGS(nargsf), nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0, i;
        PyObject *stack[8];
        if (nargs + nkw + 1 > 8) {
            Py_DECREF(method);
            Py_DECREF(device);
            PyErr_SetString(PyExc_TypeError, "write() takes data and split only");
            return NULL;
        }
        stack[0] = device;
        for (i = 0; i < nargs + nkw; i++)
            stack[i + 1] = args[i];
        result = PyObject_Vectorcall(method, stack, (size_t)(nargs + 1), kwnames);
    }
    Py_DECREF(method);
    Py_DECREF(device);
    return result;
}

static PyObject *spi_writer_call(PyObject *obj, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    SpiWriter *self = (SpiWriter *)obj;
    Py_buffer data;
    ssize_t ret;
    int err;
    if (PyVectorcall_NARGS(nargsf) != 1 || kwnames != NULL || self->fd < 0
        || !(PyBytes_CheckExact(args[0]) || PyByteArray_CheckExact(args[0])))
        return spi_writer_general(self, args, nargsf, kwnames);
    if (PyObject_GetBuffer(args[0], &data, PyBUF_SIMPLE) < 0) /* pins a bytearray while the GIL is free */
        return NULL;
    if (data.len < 1 || data.len > self->bufsiz) {
        PyBuffer_Release(&data);
        return spi_writer_general(self, args, nargsf, kwnames);
    }
    Py_BEGIN_ALLOW_THREADS
    ret = write(self->fd, data.buf, (size_t)data.len);
    err = ret < 0 ? errno : 0;
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    if (ret >= 0)
        Py_RETURN_NONE;
    {
        PyObject *device = writer_device(self), *result;
        if (device == NULL) {
            errno = err;
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        result = PyObject_CallMethod(device, "_write_failed", "i", err); /* raises the library's error */
        Py_DECREF(device);
        return result;
    }
}

static PyObject *spi_writer_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    SpiWriter *self;
    PyObject *device;
    int fd;
    Py_ssize_t bufsiz;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "SpiWriter(fd, bufsiz, device) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "inO:SpiWriter", &fd, &bufsiz, &device))
        return NULL;
    self = (SpiWriter *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->device = PyWeakref_NewRef(device, NULL);
    if (self->device == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    self->fd = fd;
    self->bufsiz = bufsiz;
    self->vectorcall = spi_writer_call;
    return (PyObject *)self;
}

static void spi_writer_dealloc(PyObject *obj)
{
    Py_XDECREF(((SpiWriter *)obj)->device);
    Py_TYPE(obj)->tp_free(obj);
}

static PyObject *spi_writer_close(PyObject *obj, PyObject *unused)
{
    (void)unused;
    ((SpiWriter *)obj)->fd = -1;
    Py_RETURN_NONE;
}

static PyMethodDef spi_writer_methods[] = {
    {"close", spi_writer_close, METH_NOARGS, "Forget the fd: later calls take the device's Python path."},
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
    .tp_doc = "SpiWriter(fd, bufsiz, device): spi.Device.write's C fast path for the kernel backend.",
    .tp_methods = spi_writer_methods,
    .tp_new = spi_writer_new,
};

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
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastpath_module = {
    PyModuleDef_HEAD_INIT, "linuxhw._fastpath",
    "Per-operation GPIO, SMBus, SPI and dma-buf calls in C (see cdefs/fastpath.c).", -1,
    fastpath_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastpath(void)
{
    PyObject *module;
    if (PyType_Ready(&MappingType) < 0 || PyType_Ready(&SpiWriterType) < 0)
        return NULL;
    module = PyModule_Create(&fastpath_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&SpiWriterType);
    if (PyModule_AddObject(module, "SpiWriter", (PyObject *)&SpiWriterType) < 0) {
        Py_DECREF(&SpiWriterType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
