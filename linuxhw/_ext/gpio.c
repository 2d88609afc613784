/* GPIO: the line request's value calls (gpio_get_values/gpio_set_values for the backend, the C
 * get_value/set_value/get_values/set_values of LineRequest on GpioValues), its reconfigure() steps
 * (GpioConfig), and its edge events
 * (edge_events() decodes a read()'s records, the C read_edge_events reads and decodes them on
 * EdgeReads). */
#include "internal.h"

#include <string.h>
#include <unistd.h>
#include <linux/gpio.h>

/* The one GET_VALUES/SET_VALUES of every caller (the backend's functions below, the C methods):
 * restarted on EINTR, the GIL released. Its result, or -errno. */
static inline int line_values(int fd, int setter, struct gpio_v2_line_values *values)
{
    return ioctl_nogil(fd, setter ? GPIO_V2_LINE_SET_VALUES_IOCTL : GPIO_V2_LINE_GET_VALUES_IOCTL, values);
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
    ret = line_values(fd, 0, &values);
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
    ret = line_values(fd, 1, &values);
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
    if (record->line_seqno == record->seqno && fields[2] != NULL) { /* every event of a one-line request */
        Py_INCREF(fields[2]);
        fields[3] = fields[2];
    } else {
        fields[3] = PyLong_FromUnsignedLong(record->line_seqno);
    }
    event = NULL;
    if (fields[0] && fields[1] && fields[2] && fields[3]) {
        /* A tuple subclass with no slots of its own (a NamedTuple's) is made without tp_alloc's
         * zeroing and GC tracking: every item is set below, and the tuple is never tracked. */
        if (cls->tp_basicsize == PyTuple_Type.tp_basicsize && cls->tp_itemsize == PyTuple_Type.tp_itemsize
            && cls->tp_dictoffset == 0 && cls->tp_weaklistoffset == 0 && PyType_IS_GC(cls))
            event = (PyObject *)PyObject_GC_NewVar(PyTupleObject, cls, 5);
        else if ((event = cls->tp_alloc(cls, 5)) != NULL && PyObject_IS_GC(event))
            PyObject_GC_UnTrack(event); /* ints and an enum member: no cycle to find (as the GC untracks such tuples) */
    }
    if (event == NULL) {
        for (i = 0; i < 4; i++)
            Py_XDECREF(fields[i]);
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030E0000
    ((PyTupleObject *)event)->ob_hash = -1; /* 3.14 caches a tuple's hash: none yet */
#endif
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

/* A kernel line request's C state (LineRequest._c_values): its fd, its {line: index} dict (and, for
 * the common offsets, the same as a table), the number of lines and its output lines. */
#define BY_OFFSET 256 /* offsets below this are looked up in a table, with no hashing */
typedef struct {
    PyObject_HEAD
    FdGate *gate; /* NULL once close()d: every call goes to the Python methods */
    __u64 outputs; /* by bit of the line's index */
    PyObject *index;
    Py_ssize_t count;
    signed char by_offset[BY_OFFSET]; /* index[offset] for an exact int offset, or -1 */
} GpioValues;

static PyObject *gpio_values_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    GpioValues *self;
    PyObject *gate, *index, *key, *value;
    unsigned long long outputs;
    Py_ssize_t pos = 0, count;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "GpioValues(gate, outputs, index, count) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!KO!n:GpioValues", &FdGateType, &gate, &outputs, &PyDict_Type, &index, &count))
        return NULL;
    if (count < 1 || count > 64) {
        PyErr_SetString(PyExc_ValueError, "GpioValues needs a count of 1..64 lines");
        return NULL;
    }
    self = (GpioValues *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    memset(self->by_offset, -1, sizeof(self->by_offset));
    while (PyDict_Next(index, &pos, &key, &value)) {
        long offset, idx;
        if (!PyLong_CheckExact(key) || !PyLong_CheckExact(value))
            continue; /* a name: looked up in the dict */
        offset = PyLong_AsLong(key);
        idx = PyLong_AsLong(value);
        if ((offset == -1 || idx == -1) && PyErr_Occurred()) {
            PyErr_Clear();
            continue;
        }
        if (offset >= 0 && offset < BY_OFFSET && idx >= 0 && idx < count)
            self->by_offset[offset] = (signed char)idx;
    }
    Py_INCREF(index);
    self->index = index;
    Py_INCREF(gate);
    self->gate = (FdGate *)gate;
    self->outputs = (__u64)outputs;
    self->count = count;
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
    .tp_doc = "GpioValues(gate, outputs, index, count): a kernel line request's state for its value methods in C.",
    .tp_methods = gpio_values_methods,
    .tp_members = gpio_values_members,
    .tp_new = gpio_values_new,
};

/* The index of line in the request (0..63), or -1 with no exception set when it is not one of its
 * lines as an exact int or str (anything else, and a line it lacks, is the Python method's to judge:
 * a key of another type may run Python code to hash or compare). */
static int gpio_line_index(GpioValues *state, PyObject *line)
{
    PyObject *found;
    long idx;
    if (PyLong_CheckExact(line)) {
        long offset;
        if (small_int(line, &offset) && offset >= 0 && offset < BY_OFFSET)
            return state->by_offset[offset];
    } else if (!PyUnicode_CheckExact(line)) {
        return -1;
    }
    found = PyDict_GetItemWithError(state->index, line);
    if (found == NULL) {
        PyErr_Clear();
        return -1;
    }
    idx = PyLong_AsLong(found);
    if (idx < 0 || idx > 63) {
        PyErr_Clear();
        return -1;
    }
    return (int)idx;
}

/* The line request's state and its gate (new references) for a C value call, or NULL (nothing set)
 * when the Python method must make it: another backend's request, or one closed. The gate is this
 * call's own reference, taken before any line lookup: a str key's comparison may let another
 * thread's close() clear state->gate. */
static GpioValues *gpio_values_of(PyObject *request, FdGate **gate)
{
    GpioValues *state = (GpioValues *)c_state(request, gpio_value_methods.state_offset, &GpioValuesType);
    if (state == NULL)
        return NULL;
    if (state->gate == NULL || state->gate->fd < 0) {
        Py_DECREF(state);
        return NULL;
    }
    *gate = state->gate;
    Py_INCREF(*gate);
    return state;
}

/* GET_VALUES or SET_VALUES on the gate's fd, inside the gate; a failure is the request's
 * _raise_kernel_error, as in the Python methods. 0, or -1 with the library's error set. */
static int gpio_values_call(PyObject *request, FdGate *gate, int setter, struct gpio_v2_line_values *values)
{
    int ret = line_values(gate_enter(gate), setter, values);
    gate_leave(gate);
    if (ret >= 0)
        return 0;
    failed(-ret); /* OSError(-ret), unless a signal handler raised */
    library_error(request, names.raise_kernel_error, "(s)", setter ? "set line values" : "get line values");
    return -1;
}

/* A line's logical value for set_value/set_values: 0 or 1 from an exact int or a bool, or -1 for
 * anything else (the Python method says what is wrong with it). */
static int gpio_bit(PyObject *value)
{
    if (value == Py_True)
        return 1;
    if (value == Py_False)
        return 0;
    if (PyLong_CheckExact(value)) {
        long bit;
        if (small_int(value, &bit) && (bit == 0 || bit == 1))
            return (int)bit;
    }
    return -1;
}

/* get_value(line) or (setter) set_value(line, 0 or 1): one value ioctl. */
static PyObject *gpio_value(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, int setter)
{
    struct gpio_v2_line_values values = {0};
    GpioValues *state = NULL;
    PyObject *result = NULL;
    FdGate *gate = NULL;
    int idx, bit = 0;
    if (kwnames != NULL || nargs != 1 + setter || (state = gpio_values_of(request, &gate)) == NULL)
        goto python;
    if ((idx = gpio_line_index(state, args[0])) < 0)
        goto python;
    values.mask = (__u64)1 << idx;
    if (setter) {
        if (!(state->outputs & values.mask) || (bit = gpio_bit(args[1])) < 0)
            goto python;
        values.bits = bit ? values.mask : 0;
    }
    if (gpio_values_call(request, gate, setter, &values) == 0)
        result = setter ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLong((long)((values.bits >> idx) & 1));
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

/* get_values() or get_values(lines) for a list or tuple of lines: one GET_VALUES, the values in the
 * order asked. Any other iterable, and any line the C does not know, is the Python method's. */
static PyObject *gpio_get_values_method(PyObject *request, PyObject *const *args, Py_ssize_t nargs,
                                        PyObject *kwnames)
{
    struct gpio_v2_line_values values = {0};
    signed char order[64];
    GpioValues *state = NULL;
    PyObject *result = NULL, *lines = nargs == 1 ? args[0] : Py_None, *const *items = NULL;
    FdGate *gate = NULL;
    Py_ssize_t count, i;
    if (kwnames != NULL || nargs > 1 || (state = gpio_values_of(request, &gate)) == NULL)
        goto python;
    if (lines == Py_None) {
        count = state->count;
        values.mask = count == 64 ? ~(__u64)0 : ((__u64)1 << count) - 1;
    } else if (PyList_CheckExact(lines) || PyTuple_CheckExact(lines)) {
        count = PySequence_Fast_GET_SIZE(lines);
        items = PySequence_Fast_ITEMS(lines);
        if (count < 1 || count > 64) /* none is the Python method's error; more asks for a line twice */
            goto python;
        for (i = 0; i < count; i++) {
            int idx = gpio_line_index(state, items[i]);
            if (idx < 0)
                goto python;
            order[i] = (signed char)idx;
            values.mask |= (__u64)1 << idx;
        }
    } else {
        goto python;
    }
    if (gpio_values_call(request, gate, 0, &values) == 0) {
        result = PyList_New(count);
        for (i = 0; result != NULL && i < count; i++) {
            int idx = items ? order[i] : (int)i;
            PyList_SET_ITEM(result, i, PyLong_FromLong((long)((values.bits >> idx) & 1))); /* cached: no alloc */
        }
    }
    Py_DECREF(gate);
    Py_DECREF(state);
    return result;
python:
    Py_XDECREF(gate);
    Py_XDECREF(state);
    return call_python(gpio_value_methods.python[2], request, args, nargs, kwnames);
}

/* set_values({line: value}) for a dict of exact int or str lines: one SET_VALUES. A value that is not
 * 0 or 1, a line that is not an output of the request, an empty dict, and any other mapping are the
 * Python method's (nothing is set before it has checked them all). Two keys of one line (its offset
 * and its name) OR their bits, as the Python method does. */
static PyObject *gpio_set_values_method(PyObject *request, PyObject *const *args, Py_ssize_t nargs,
                                        PyObject *kwnames)
{
    struct gpio_v2_line_values values = {0};
    GpioValues *state = NULL;
    PyObject *result = NULL, *key, *value;
    FdGate *gate = NULL;
    Py_ssize_t pos = 0;
    if (kwnames != NULL || nargs != 1 || !PyDict_CheckExact(args[0]) || !PyDict_GET_SIZE(args[0])
        || (state = gpio_values_of(request, &gate)) == NULL)
        goto python;
    while (PyDict_Next(args[0], &pos, &key, &value)) {
        int idx = gpio_line_index(state, key), bit;
        __u64 mask;
        if (idx < 0)
            goto python;
        mask = (__u64)1 << idx;
        if (!(state->outputs & mask) || (bit = gpio_bit(value)) < 0)
            goto python;
        values.mask |= mask;
        if (bit)
            values.bits |= mask;
    }
    if (gpio_values_call(request, gate, 1, &values) == 0)
        result = (Py_INCREF(Py_None), Py_None);
    Py_DECREF(gate);
    Py_DECREF(state);
    return result;
python:
    Py_XDECREF(gate);
    Py_XDECREF(state);
    return call_python(gpio_value_methods.python[3], request, args, nargs, kwnames);
}

/* One configuration of a request's lines (LineRequest._config, on both backends): its settings (a
 * list never changed in place), its output lines, its encoded struct for GPIO_V2_LINE_SET_CONFIG (the
 * cffi struct the Python path hands the backend's ioctl, and a copy of its bytes for the C path; none
 * for the configuration the lines were requested with), set_value's checked (mask, bits) per line
 * and value (``cells``), and the reconfigure() calls made from it that read no line (``steps``: by
 * the config dict's keys and its values' identities, the configuration reached and those values,
 * kept so that an id cannot be reused meanwhile). The everyday reconfigure() is a lookup and the
 * ioctl, in C on the kernel backend. */
typedef struct {
    PyObject_HEAD
    PyObject *settings, *encoded, *steps, *cells;
    __u64 outputs;
    int has_config;
    struct gpio_v2_line_config config;
} GpioConfig;

static PyObject *gpio_config_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    GpioConfig *self;
    PyObject *settings, *encoded, *raw;
    unsigned long long outputs;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "GpioConfig(settings, outputs, encoded, raw) takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!KOO:GpioConfig", &PyList_Type, &settings, &outputs, &encoded, &raw))
        return NULL;
    self = (GpioConfig *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    if (raw != Py_None) {
        Py_buffer view;
        if (PyObject_GetBuffer(raw, &view, PyBUF_SIMPLE) < 0)
            goto fail;
        if (view.len != (Py_ssize_t)sizeof(self->config)) {
            PyBuffer_Release(&view);
            PyErr_Format(PyExc_ValueError, "GpioConfig needs the %zu bytes of a struct gpio_v2_line_config",
                         sizeof(self->config));
            goto fail;
        }
        memcpy(&self->config, view.buf, sizeof(self->config));
        PyBuffer_Release(&view);
        self->has_config = 1;
    }
    if ((self->steps = PyDict_New()) == NULL || (self->cells = PyDict_New()) == NULL)
        goto fail;
    Py_INCREF(settings);
    self->settings = settings;
    Py_INCREF(encoded);
    self->encoded = encoded;
    self->outputs = (__u64)outputs;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

static int gpio_config_traverse(PyObject *obj, visitproc visit, void *arg)
{
    GpioConfig *self = (GpioConfig *)obj;
    Py_VISIT(self->settings);
    Py_VISIT(self->encoded);
    Py_VISIT(self->steps); /* configurations reach each other: cycles */
    Py_VISIT(self->cells);
    return 0;
}

static int gpio_config_clear(PyObject *obj)
{
    GpioConfig *self = (GpioConfig *)obj;
    Py_CLEAR(self->settings);
    Py_CLEAR(self->encoded);
    Py_CLEAR(self->steps);
    Py_CLEAR(self->cells);
    return 0;
}

static void gpio_config_dealloc(PyObject *obj)
{
    PyObject_GC_UnTrack(obj);
    gpio_config_clear(obj);
    Py_TYPE(obj)->tp_free(obj);
}

static PyMemberDef gpio_config_members[] = {
    {"settings", T_OBJECT, offsetof(GpioConfig, settings), READONLY, "Each line's LineSettings (never changed)."},
    {"outputs", T_ULONGLONG, offsetof(GpioConfig, outputs), READONLY, "The output lines, by bit of their index."},
    {"encoded", T_OBJECT, offsetof(GpioConfig, encoded), READONLY,
     "The struct gpio_v2_line_config for the backend's ioctl (None: the configuration requested)."},
    {"steps", T_OBJECT, offsetof(GpioConfig, steps), READONLY,
     "reconfigure() calls seen from here: {(keys, ids of values): (configuration reached, values)}."},
    {"cells", T_OBJECT, offsetof(GpioConfig, cells), READONLY, "set_value's {line: {value: (mask, bits)}}."},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject GpioConfigType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "linuxhw._fastpath.GpioConfig",
    .tp_basicsize = sizeof(GpioConfig),
    .tp_dealloc = gpio_config_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "GpioConfig(settings, outputs, encoded, raw): one configuration of a request's lines.",
    .tp_traverse = gpio_config_traverse,
    .tp_clear = gpio_config_clear,
    .tp_members = gpio_config_members,
    .tp_new = gpio_config_new,
};

/* The key of config (a dict) in a GpioConfig's steps, as the Python method makes it:
 * (tuple(config), tuple(map(id, config.values()))). A new reference, or NULL with an exception. */
static PyObject *gpio_step_key(PyObject *config)
{
    Py_ssize_t count = PyDict_GET_SIZE(config), pos = 0, i = 0;
    PyObject *keys = PyTuple_New(count), *ids = keys ? PyTuple_New(count) : NULL, *key, *value, *step;
    if (ids == NULL) {
        Py_XDECREF(keys);
        return NULL;
    }
    while (PyDict_Next(config, &pos, &key, &value) && i < count) {
        PyObject *id = PyLong_FromVoidPtr(value);
        if (id == NULL) {
            Py_DECREF(keys);
            Py_DECREF(ids);
            return NULL;
        }
        Py_INCREF(key);
        PyTuple_SET_ITEM(keys, i, key);
        PyTuple_SET_ITEM(ids, i, id);
        i++;
    }
    step = PyTuple_Pack(2, keys, ids);
    Py_DECREF(keys);
    Py_DECREF(ids);
    return step;
}

/* reconfigure(config) for a dict the request's configuration has seen before from here (its steps):
 * one SET_CONFIG with the configuration reached, which becomes the request's. Every other call (new
 * settings, output_values, keywords) is the Python method's, which computes the step and keeps it. */
static PyObject *gpio_reconfigure(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    GpioValues *state = NULL;
    GpioConfig *current, *reached;
    PyObject *step, *seen, **slot;
    FdGate *gate = NULL;
    int ret;
    if (kwnames != NULL || nargs != 1 || !PyDict_CheckExact(args[0]) || gpio_value_methods.shared_offset <= 0
        || (state = gpio_values_of(request, &gate)) == NULL)
        goto python;
    slot = (PyObject **)((char *)request + gpio_value_methods.shared_offset);
    current = (GpioConfig *)*slot;
    if (current == NULL || !Py_IS_TYPE((PyObject *)current, &GpioConfigType))
        goto python;
    step = gpio_step_key(args[0]);
    if (step == NULL) { /* out of memory: the Python method reports it, as it would */
        PyErr_Clear();
        goto python;
    }
    Py_INCREF(current); /* a key's __eq__ may run Python, and another thread's reconfigure() */
    seen = PyDict_GetItemWithError(current->steps, step);
    Py_XINCREF(seen);
    Py_DECREF(current);
    Py_DECREF(step);
    if (seen == NULL || !PyTuple_CheckExact(seen) || PyTuple_GET_SIZE(seen) != 2
        || !Py_IS_TYPE(PyTuple_GET_ITEM(seen, 0), &GpioConfigType)
        || !((GpioConfig *)PyTuple_GET_ITEM(seen, 0))->has_config) {
        Py_XDECREF(seen);
        PyErr_Clear();
        goto python;
    }
    reached = (GpioConfig *)PyTuple_GET_ITEM(seen, 0);
    Py_INCREF(reached); /* this call's: another thread may replace the steps meanwhile */
    Py_DECREF(seen);
    ret = ioctl_once(gate_enter(gate), GPIO_V2_LINE_SET_CONFIG_IOCTL, &reached->config);
    gate_leave(gate);
    Py_DECREF(gate);
    if (ret < 0) {
        Py_DECREF(reached);
        failed(-ret);
        library_error(request, names.raise_kernel_error, "(s)", "reconfigure lines");
        Py_DECREF(state);
        return NULL;
    }
    state->outputs = reached->outputs;
    Py_XSETREF(*slot, (PyObject *)reached); /* the request's configuration now (the reference passes) */
    Py_DECREF(state);
    Py_RETURN_NONE;
python:
    Py_XDECREF(gate);
    Py_XDECREF(state);
    return call_python(gpio_value_methods.python[4], request, args, nargs, kwnames);
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
    ReadLock *lock;
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
    if (!PyArg_ParseTuple(args, "O!nOO!O!O!O!:EdgeReads", &FdGateType, &gate, &capacity, &pending, &ReadLockType,
                          &lock, &PyType_Type, &cls, &PyTuple_Type, &types, &EdgeSequenceType, &sequence))
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
    self->lock = (ReadLock *)lock;
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

/* read_edge_events(max_events=None, timeout=None) when nothing is queued from an earlier read: one
 * non-blocking read() and its records as events, no Python frame; a failed read() is the request's
 * _raise_kernel_error, as in the Python method. When nothing is there to read (the wait, with its
 * timeout), the Python method does the rest. */
static PyObject *gpio_read_edge_events(PyObject *request, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    EdgeReads *state = NULL;
    FdGate *gate;
    PyObject *events = NULL;
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
    if (!read_lock_try(state->lock))
        goto python;
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
    read_lock_release(state->lock);
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
        {"get_values", (PyCFunction)(void (*)(void))gpio_get_values_method, METH_FASTCALL | METH_KEYWORDS,
         "get_values($self, lines=None)\n--\n\nValues of ``lines`` (default: all, in request order), read in one "
         "ioctl."},
        {"set_values", (PyCFunction)(void (*)(void))gpio_set_values_method, METH_FASTCALL | METH_KEYWORDS,
         "set_values($self, values)\n--\n\nSet several outputs in one ioctl: ``{line: value}``."},
        {"reconfigure", (PyCFunction)(void (*)(void))gpio_reconfigure, METH_FASTCALL | METH_KEYWORDS,
         "reconfigure($self, config, output_values=None)\n--\n\nChange the settings of the lines named in "
         "``config`` without releasing the request."},
    },
    .state_name = &names.c_values,
    .shared_name = &names.config,
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
