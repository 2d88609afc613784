/* linuxhw._fastpath: the few per-operation calls where the cost of the call itself decides the
 * speed (one GPIO value, one short SPI exchange). Plain CPython entry points (METH_FASTCALL, no
 * cffi argument conversion) on structs from the kernel's own headers, the GIL released around
 * each ioctl. Everything else goes through linuxhw._uapi; failures raise OSError with errno, which
 * the callers turn into the library's errors. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/gpio.h>
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

static PyMethodDef fastpath_methods[] = {
    {"gpio_get_values", (PyCFunction)(void (*)(void))gpio_get_values, METH_FASTCALL, gpio_get_values_doc},
    {"gpio_set_values", (PyCFunction)(void (*)(void))gpio_set_values, METH_FASTCALL, gpio_set_values_doc},
    {"spi_exchange", (PyCFunction)(void (*)(void))spi_exchange, METH_FASTCALL, spi_exchange_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastpath_module = {
    PyModuleDef_HEAD_INIT, "linuxhw._fastpath",
    "Per-operation GPIO and SPI calls as plain CPython functions (see cdefs/fastpath.c).", -1,
    fastpath_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastpath(void)
{
    return PyModule_Create(&fastpath_module);
}
