/* linuxhw._fastpath: the few per-operation calls where the cost of the call itself decides the
 * speed (one GPIO value, one SMBus byte or word, one short SPI exchange, a dma-buf's allocation,
 * sync and mapping). Plain CPython entry points (METH_FASTCALL, no
 * cffi argument conversion) on structs from the kernel's own headers, the GIL released around
 * each ioctl. Everything else goes through linuxhw._uapi; failures raise OSError with errno, which
 * the callers turn into the library's errors. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
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

/* The ioctl with the GIL released: its result, or -errno. EINTR is restarted (these GPIO and
 * spidev calls have no partial effect to lose) unless a signal handler raised. */
static int ioctl_nogil(int fd, unsigned long request, void *arg)
{
    int ret;
    do {
        Py_BEGIN_ALLOW_THREADS
        ret = ioctl(fd, request, arg);
        if (ret < 0)
            ret = -errno;
        Py_END_ALLOW_THREADS
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
    Py_BEGIN_ALLOW_THREADS
    ret = ioctl(fd, I2C_SMBUS, &request);
    if (ret < 0)
        ret = -errno;
    Py_END_ALLOW_THREADS
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
"straight into the new bytes object.");

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
    ret = ioctl_nogil(fd, SPI_IOC_MESSAGE(1), &transfer);
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

static PyObject *mapping_view(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Mapping *mapping;
    PyObject *view;
    void *addr;
    Py_ssize_t length;
    int writable;
    (void)module;
    if (nargs != 3 && nargs != 4) {
        PyErr_Format(PyExc_TypeError, "mapping_view() takes 3 or 4 arguments (%zd given)", nargs);
        return NULL;
    }
    addr = PyLong_AsVoidPtr(args[0]);
    if (addr == NULL && PyErr_Occurred())
        return NULL;
    length = PyLong_AsSsize_t(args[1]);
    if (length == -1 && PyErr_Occurred())
        return NULL;
    if (length <= 0) {
        PyErr_SetString(PyExc_ValueError, "length must be > 0");
        return NULL;
    }
    writable = PyObject_IsTrue(args[2]);
    if (writable < 0)
        return NULL;
    mapping = PyObject_New(Mapping, &MappingType);
    if (mapping == NULL) {
        munmap(addr, (size_t)length);
        return NULL;
    }
    mapping->addr = addr;
    mapping->length = length;
    mapping->readonly = !writable;
    mapping->on_unmap = NULL;
    if (nargs == 4 && args[3] != Py_None) {
        Py_INCREF(args[3]);
        mapping->on_unmap = args[3];
    }
    view = PyMemoryView_FromObject((PyObject *)mapping);
    Py_DECREF(mapping); /* the view holds it now (or, on failure, this unmaps) */
    return view;
}

static PyMethodDef fastpath_methods[] = {
    {"gpio_get_values", (PyCFunction)(void (*)(void))gpio_get_values, METH_FASTCALL, gpio_get_values_doc},
    {"gpio_set_values", (PyCFunction)(void (*)(void))gpio_set_values, METH_FASTCALL, gpio_set_values_doc},
    {"smbus_value", (PyCFunction)(void (*)(void))smbus_value, METH_FASTCALL, smbus_value_doc},
    {"spi_exchange", (PyCFunction)(void (*)(void))spi_exchange, METH_FASTCALL, spi_exchange_doc},
    {"dma_heap_alloc", (PyCFunction)(void (*)(void))dma_heap_alloc, METH_FASTCALL, dma_heap_alloc_doc},
    {"dma_buf_sync", (PyCFunction)(void (*)(void))dma_buf_sync, METH_FASTCALL, dma_buf_sync_doc},
    {"mapping_view", (PyCFunction)(void (*)(void))mapping_view, METH_FASTCALL, mapping_view_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastpath_module = {
    PyModuleDef_HEAD_INIT, "linuxhw._fastpath",
    "Per-operation GPIO, SMBus, SPI and dma-buf calls in C (see cdefs/fastpath.c).", -1,
    fastpath_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastpath(void)
{
    if (PyType_Ready(&MappingType) < 0)
        return NULL;
    return PyModule_Create(&fastpath_module);
}
