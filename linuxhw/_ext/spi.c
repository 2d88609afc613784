/* SPI: one full-duplex transfer for the backend (spi_exchange), and spi.Device's C write and
 * transfer for the kernel backend (SpiWriter). */
#include "internal.h"

#include <unistd.h>
#include <linux/spi/spidev.h>

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
    PyObject *rx = NULL, *device;
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
    if (err) { /* else exchange() set the exception */
        failed(err);
        library_error(device, self->duplex ? names.transfer_failed : names.write_failed, "()");
    }
    Py_DECREF(device);
    return NULL;
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

PyTypeObject SpiWriterType = {
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

PyMethodDef spi_functions[] = {
    {"spi_exchange", (PyCFunction)(void (*)(void))spi_exchange, METH_FASTCALL, spi_exchange_doc},
    {NULL, NULL, 0, NULL},
};
