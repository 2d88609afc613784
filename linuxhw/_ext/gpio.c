/* GPIO: the line request's value calls (gpio_get_values/gpio_set_values for the backend, the C
 * get_value/set_value of LineRequest on GpioValues), and its edge events (edge_events() decodes a
 * read()'s records, the C read_edge_events reads and decodes them on EdgeReads). */
#include "internal.h"

#include <unistd.h>
#include <linux/gpio.h>

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

PyTypeObject GpioValuesType = {
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

/* get_value(line) or (setter) set_value(line, 0 or 1): one value ioctl; a failure is the request's
 * _raise_kernel_error, as in the Python methods. */
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
    state = (GpioValues *)c_state(request, gpio_value_methods.state_offset, &GpioValuesType);
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
    if (ret >= 0) {
        result = setter ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLong((long)((values.bits >> idx) & 1));
    } else {
        failed(-ret); /* OSError(-ret), unless a signal handler raised */
        library_error(request, names.raise_kernel_error, "(s)", setter ? "set line values" : "get line values");
    }
    Py_DECREF(gate);
    Py_DECREF(state);
    return result;
python:
    Py_XDECREF(gate);
    Py_XDECREF(state);
    return call_python(gpio_value_methods.python[setter], request, args, nargs, kwnames);
}

static PyObject *gpio_get_value(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return gpio_value(request, args, nargs, kwnames, 0);
}

static PyObject *gpio_set_value(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return gpio_value(request, args, nargs, kwnames, 1);
}

/* A line request's count of its edge events (LineRequest._sequence), on both backends: the kernel
 * numbers every event it makes, kept or dropped on overflow, so the highest seqno seen minus the
 * events read is how many were lost. (Events of different lines may reach the buffer out of seqno
 * order: the highest, not the last, is the one that counts.) The Python read and the C read count
 * their batches here alike. */
typedef struct {
    PyObject_HEAD
    unsigned long long read, max_seqno, lost;
} EdgeSequence;

/* Count a batch of count events whose highest seqno is batch_max: the events lost before it (0 when
 * none), which are added to lost. */
static unsigned long long sequence_count(EdgeSequence *self, Py_ssize_t count, unsigned long long batch_max)
{
    unsigned long long lost;
    self->read += (unsigned long long)count;
    if (batch_max > self->max_seqno)
        self->max_seqno = batch_max;
    if (self->max_seqno <= self->read + self->lost)
        return 0;
    lost = self->max_seqno - self->read - self->lost;
    self->lost += lost;
    return lost;
}

static PyObject *edge_sequence_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    if ((kwargs != NULL && PyDict_GET_SIZE(kwargs)) || PyTuple_GET_SIZE(args)) {
        PyErr_SetString(PyExc_TypeError, "EdgeSequence() takes no arguments");
        return NULL;
    }
    return type->tp_alloc(type, 0);
}

static PyObject *edge_sequence_count(PyObject *obj, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t count;
    unsigned long long batch_max;
    if (arg_count("count", nargs, 2))
        return NULL;
    count = PyLong_AsSsize_t(args[0]);
    if (count == -1 && PyErr_Occurred())
        return NULL;
    if (count < 0) {
        PyErr_SetString(PyExc_ValueError, "count must be >= 0");
        return NULL;
    }
    batch_max = PyLong_AsUnsignedLongLong(args[1]);
    if (batch_max == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromUnsignedLongLong(sequence_count((EdgeSequence *)obj, count, batch_max));
}

static PyMethodDef edge_sequence_methods[] = {
    {"count", (PyCFunction)(void (*)(void))edge_sequence_count, METH_FASTCALL,
     "count($self, events, max_seqno, /)\n--\n\nCount a batch of events whose highest seqno is max_seqno: the "
     "events the kernel dropped before it (0 when none), added to lost."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef edge_sequence_members[] = {
    {"events_read", T_ULONGLONG, offsetof(EdgeSequence, read), READONLY, "The events counted so far."},
    {"max_seqno", T_ULONGLONG, offsetof(EdgeSequence, max_seqno), READONLY, "The highest seqno seen."},
    {"lost", T_ULONGLONG, offsetof(EdgeSequence, lost), 0, "The events the kernel dropped (LineRequest.lost_events)."},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject EdgeSequenceType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.EdgeSequence",
    .tp_basicsize = sizeof(EdgeSequence),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "EdgeSequence(): a line request's count of its edge events and of those the kernel dropped.",
    .tp_methods = edge_sequence_methods,
    .tp_members = edge_sequence_members,
    .tp_new = edge_sequence_new,
};

/* A kernel line request's C state for read_edge_events (LineRequest._c_events): its fd, a buffer of
 * capacity records, its reader's queue of events already read (the Python path serves those), its
 * reader's read_lock (one read and its counting at a time, shared with the Python path), what the
 * records become (edge_events()'s cls and types), and the request's EdgeSequence. */
typedef struct {
    PyObject_HEAD
    FdGate *gate; /* NULL once close()d: every call goes to the Python method */
    Py_ssize_t capacity;
    struct gpio_v2_line_event *records;
    PyObject *pending;
    PyObject *lock;
    PyObject *cls;
    PyObject *types;
    EdgeSequence *sequence;
} EdgeReads;

static PyObject *edge_reads_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    EdgeReads *self;
    PyObject *gate, *pending, *lock, *cls, *types, *sequence;
    Py_ssize_t capacity;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError,
                        "EdgeReads(gate, capacity, pending, lock, cls, types, sequence) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!nOOO!O!O!:EdgeReads", &FdGateType, &gate, &capacity, &pending, &lock,
                          &PyType_Type, &cls, &PyTuple_Type, &types, &EdgeSequenceType, &sequence))
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
    Py_INCREF(sequence);
    self->sequence = (EdgeSequence *)sequence;
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
    Py_XDECREF(self->sequence);
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

PyTypeObject EdgeReadsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.EdgeReads",
    .tp_basicsize = sizeof(EdgeReads),
    .tp_dealloc = edge_reads_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "EdgeReads(gate, capacity, pending, lock, cls, types, sequence): a kernel line request's state for "
              "read_edge_events in C.",
    .tp_methods = edge_reads_methods,
    .tp_new = edge_reads_new,
};

/* The C read's batch counted (EdgeSequence); when it lost events, _check_sequence(events, lost) warns
 * or raises as the request says. 0, or -1 with an exception set. */
static int edge_sequence(PyObject *request, EdgeSequence *sequence, PyObject *events, Py_ssize_t count,
                         unsigned long long batch_max)
{
    unsigned long long lost = sequence_count(sequence, count, batch_max);
    PyObject *checked;
    if (lost == 0)
        return 0;
    checked = call_method(request, names.check_sequence, "(OK)", events, lost);
    Py_XDECREF(checked);
    return checked ? 0 : -1;
}

/* lock.release(), keeping an exception already set (the one to report): 0, or -1 with its own. */
static int lock_release(PyObject *lock)
{
    PyObject *type, *value, *traceback, *result;
    PyErr_Fetch(&type, &value, &traceback);
    result = PyObject_CallMethodNoArgs(lock, names.release);
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
 * non-blocking read() and its records as events, no Python frame; a failed read() is the request's
 * _raise_kernel_error, as in the Python method. When nothing is there to read (the wait, with its
 * timeout), the Python method does the rest. */
static PyObject *gpio_read_edge_events(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    EdgeReads *state = NULL;
    FdGate *gate;
    PyObject *events = NULL, *taken;
    unsigned long long batch_max = 0;
    Py_ssize_t limit, count, i, queued;
    ssize_t got;
    int fd, err = 0;
    if (kwnames != NULL || nargs > 2)
        goto python;
    state = (EdgeReads *)c_state(request, gpio_edge_methods.state_offset, &EdgeReadsType);
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
    taken = PyObject_CallMethodOneArg(state->lock, names.acquire, Py_False);
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
    if (got < 0)
        err = errno;
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
    if (events != NULL && edge_sequence(request, state->sequence, events, count, batch_max) < 0)
        Py_CLEAR(events);
    if (lock_release(state->lock) < 0)
        Py_CLEAR(events);
    if (got < 0 && err != EAGAIN && err != EINTR) {
        failed(err);
        library_error(request, names.raise_kernel_error, "(s)", "read events");
    } else if (count == 0 && !PyErr_Occurred()) { /* nothing to read: the Python method waits */
        goto python;
    }
    Py_DECREF(state);
    return events;
python:
    Py_XDECREF(state);
    return call_python(gpio_edge_methods.python[0], request, args, nargs, kwnames);
}

CMethods gpio_value_methods = {
    .defs = {
        {"get_value", (PyCFunction)(void (*)(void))gpio_get_value, METH_FASTCALL | METH_KEYWORDS,
         "get_value($self, line)\n--\n\nThe logical value of one line (0 or 1)."},
        {"set_value", (PyCFunction)(void (*)(void))gpio_set_value, METH_FASTCALL | METH_KEYWORDS,
         "set_value($self, line, value)\n--\n\nDrive one output line to a logical value (0 or 1)."},
    },
    .state_name = &names.c_values,
};

CMethods gpio_edge_methods = {
    .defs = {
        {"read_edge_events", (PyCFunction)(void (*)(void))gpio_read_edge_events, METH_FASTCALL | METH_KEYWORDS,
         "read_edge_events($self, max_events=None, timeout=None)\n--\n\nEvents in kernel order, as many as one "
         "read() returns (up to ``max_events``).\n\nBlocks until at least one arrives; with ``timeout``, returns [] "
         "when it passes."},
        {NULL, NULL, 0, NULL},
    },
    .state_name = &names.c_events,
};

PyMethodDef gpio_functions[] = {
    {"gpio_get_values", (PyCFunction)(void (*)(void))gpio_get_values, METH_FASTCALL, gpio_get_values_doc},
    {"gpio_set_values", (PyCFunction)(void (*)(void))gpio_set_values, METH_FASTCALL, gpio_set_values_doc},
    {"edge_events", (PyCFunction)(void (*)(void))edge_events, METH_FASTCALL, edge_events_doc},
    {NULL, NULL, 0, NULL},
};
