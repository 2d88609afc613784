/* I2C: one SMBus transaction of a byte or a word for the backend (smbus_value), the bus's lock and
 * selected address (I2cChannel), and the C read_byte_data/read_word_data of Device (SmbusReads). */
#include "internal.h"

#include <linux/i2c.h>
#include <linux/i2c-dev.h>

/* One I2C_SMBUS ioctl of a size that carries a byte or a word (QUICK, BYTE, BYTE_DATA, WORD_DATA,
 * PROC_CALL), the GIL released: *value goes out in the data union, and comes back as what the
 * kernel put in it (0 when nothing comes back); 0, or -errno. Not restarted on EINTR: the
 * transaction may have reached the bus. The one C call of the transaction: smbus_value() and the C
 * reads of Device make it alike. */
static inline int smbus_transaction(int fd, long read_write, long command, long size, long *value)
{
    union i2c_smbus_data data;
    struct i2c_smbus_ioctl_data request = {
        .read_write = (__u8)read_write, .command = (__u8)command, .size = (__u32)size, .data = &data};
    int ret;
    data.word = 0; /* what i2c-dev copies in for these sizes: a byte or a word, never a block */
    if (size == I2C_SMBUS_WORD_DATA || size == I2C_SMBUS_PROC_CALL)
        data.word = (__u16)*value;
    else
        data.byte = (__u8)*value;
    ret = ioctl_once(fd, I2C_SMBUS, &request);
    if (ret < 0)
        return ret;
    if (size == I2C_SMBUS_PROC_CALL || (read_write == I2C_SMBUS_READ && size == I2C_SMBUS_WORD_DATA))
        *value = data.word;
    else if (read_write == I2C_SMBUS_READ && (size == I2C_SMBUS_BYTE || size == I2C_SMBUS_BYTE_DATA))
        *value = data.byte;
    else
        *value = 0;
    return 0;
}

PyDoc_STRVAR(smbus_value_doc,
"smbus_value(fd, read_write, command, size, value) -> int\n\n"
"One I2C_SMBUS ioctl of a size that carries a byte or a word (QUICK, BYTE, BYTE_DATA, WORD_DATA,\n"
"PROC_CALL): value goes out in the data union, and what comes back in it is returned (0 when\n"
"nothing does). Not restarted on EINTR: the transaction may have reached the bus.");

static PyObject *smbus_value(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
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
    ret = smbus_transaction(fd, read_write, command, size, &value);
    return ret < 0 ? failed(-ret) : PyLong_FromLong(value);
}

/* An I2C bus's lock, and the address its fd points at (the key its Python code selected last):
 * ``with channel:`` around one select + transaction, in Python and in the C reads below alike. */
typedef struct {
    PyObject_HEAD
    PyThread_type_lock lock;
    int fd;             /* the bus's fd, -1 once it closes */
    PyObject *selected; /* the selected key, or NULL for none */
} I2cChannel;

static PyObject *channel_enter(PyObject *obj, PyObject *unused)
{
    (void)unused;
    if (lock_acquire(((I2cChannel *)obj)->lock) < 0)
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
    if (lock_new(&self->lock) < 0) {
        Py_DECREF(self);
        return NULL;
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

PyTypeObject I2cChannelType = {
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

/* A kernel-backend device's C state (Device._c_reads): its bus's channel, its select key, and which
 * reads the adapter can do (bit 0: byte data, bit 1: word data; checked once, when the device is
 * made). A failed read is the device's _smbus_failed. */
typedef struct {
    PyObject_HEAD
    I2cChannel *channel;
    PyObject *key;
    int can;
} SmbusReads;

static PyObject *smbus_reads_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    SmbusReads *self;
    PyObject *channel, *key;
    int can;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "SmbusReads(channel, key, can) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!Oi:SmbusReads", &I2cChannelType, &channel, &key, &can))
        return NULL;
    self = (SmbusReads *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    Py_INCREF(channel);
    self->channel = (I2cChannel *)channel;
    Py_INCREF(key);
    self->key = key;
    self->can = can;
    return (PyObject *)self;
}

/* Not a GC type: the channel and the key (a tuple of ints and bools) lead back to nothing. */
static void smbus_reads_dealloc(PyObject *obj)
{
    Py_XDECREF(((SmbusReads *)obj)->channel);
    Py_XDECREF(((SmbusReads *)obj)->key);
    Py_TYPE(obj)->tp_free(obj);
}

PyTypeObject SmbusReadsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.SmbusReads",
    .tp_basicsize = sizeof(SmbusReads),
    .tp_dealloc = smbus_reads_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "SmbusReads(channel, key, can): a device's state for its SMBus reads in C.",
    .tp_new = smbus_reads_new,
};

/* read_byte_data(register) or (word) read_word_data(register) while the bus's fd points at the
 * device: one I2C_SMBUS ioctl under the bus's lock. Not made again on failure: the transaction
 * may have reached the bus. */
static PyObject *smbus_read(PyObject *device, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, int word)
{
    SmbusReads *state = NULL;
    I2cChannel *channel;
    long reg, value = 0;
    int ret;
    if (kwnames != NULL || nargs != 1 || !PyLong_CheckExact(args[0]))
        goto python;
    reg = PyLong_AsLong(args[0]);
    if (reg < 0 || reg > 0xFF) {
        PyErr_Clear();
        goto python;
    }
    state = (SmbusReads *)c_state(device, smbus_read_methods.state_offset, &SmbusReadsType);
    if (state == NULL || !(state->can & (1 << word)))
        goto python;
    channel = state->channel;
    if (lock_acquire(channel->lock) < 0) {
        Py_DECREF(state);
        return NULL;
    }
    if (channel->fd < 0 || channel->selected != state->key) { /* the Python method selects the device */
        PyThread_release_lock(channel->lock);
        goto python;
    }
    ret = smbus_transaction(channel->fd, I2C_SMBUS_READ, reg, word ? I2C_SMBUS_WORD_DATA : I2C_SMBUS_BYTE_DATA,
                            &value);
    PyThread_release_lock(channel->lock);
    if (ret >= 0) {
        Py_DECREF(state);
        return PyLong_FromLong(value);
    }
    Py_DECREF(state);
    failed(-ret); /* OSError(-ret), unless a signal handler raised */
    return library_error(device, names.smbus_failed, "(O)", names.smbus_operation[word]);
python:
    Py_XDECREF(state);
    return call_python(smbus_read_methods.python[word], device, args, nargs, kwnames);
}

static PyObject *smbus_read_byte_data(PyObject *device, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return smbus_read(device, args, nargs, kwnames, 0);
}

static PyObject *smbus_read_word_data(PyObject *device, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return smbus_read(device, args, nargs, kwnames, 1);
}

CMethods smbus_read_methods = {
    .defs = {
        {"read_byte_data", (PyCFunction)(void (*)(void))smbus_read_byte_data, METH_FASTCALL | METH_KEYWORDS,
         "read_byte_data($self, register)\n--\n\nSMBus read byte data: one byte from ``register``."},
        {"read_word_data", (PyCFunction)(void (*)(void))smbus_read_word_data, METH_FASTCALL | METH_KEYWORDS,
         "read_word_data($self, register)\n--\n\nSMBus read word data (little-endian on the wire, as SMBus "
         "defines)."},
    },
    .state_name = &names.c_reads,
};

PyMethodDef i2c_functions[] = {
    {"smbus_value", (PyCFunction)(void (*)(void))smbus_value, METH_FASTCALL, smbus_value_doc},
    {NULL, NULL, 0, NULL},
};
