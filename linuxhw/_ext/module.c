/* linuxhw._fastpath: the calls where the cost of the call itself decides the speed, in C. Module
 * functions the kernel backend binds in place of its Python ones (gpio_get_values, smbus_value,
 * spi_exchange, dma_heap_alloc, ...), and C methods and C state for the public classes on the
 * kernel backend (LineRequest.get_value/set_value/read_edge_events, i2c.Device's SMBus reads,
 * spi.Device's write/transfer, dmabuf.Buffer's C base and Heap.allocate), each making its one
 * syscall with the GIL released, on structs from the kernel's own headers. One file per subsystem
 * beside this one; internal.h is what they share. Failures raise OSError with errno, or go to the
 * class's Python helper, which turns them into the library's errors.
 *
 * This file: the module's init (the types and functions of every file, from the tables below), the
 * interned names the C code looks up on Python objects, and the C methods' shared machinery. */
#include "internal.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

struct lhw_names names;
PyObject *os_close;
long page_size;

/* Every name the C code looks up on Python objects, in one place: each is what a Python class of
 * the library (or the backend, a lock, a memoryview) must have for the C paths to work. The private
 * ones are typed in _fastpath.pyi's protocols (LineRequestC, SmbusDeviceC, SpiDeviceC, HeapC,
 * BufferC), which mypy checks the classes against; tests/unit/test_fastpath_names.py keeps the two
 * lists and the classes in step. */
static const struct {
    PyObject **name;
    const char *text;
} name_table[] = {
    /* the __slots__ members of the C state: LineRequest, i2c.Device, dmabuf.Heap */
    {&names.c_values, "_c_values"},
    {&names.c_events, "_c_events"},
    {&names.c_reads, "_c_reads"},
    {&names.c_alloc, "_c_alloc"},
    {&names.config, "_config"}, /* LineRequest's GpioConfig, which the C reconfigure() replaces */
    /* LineRequest's report of a batch that lost events (warn or raise, as it says) */
    {&names.check_sequence, "_check_sequence"},
    /* the Python helpers that raise the library's error for a failed C call (library_error) */
    {&names.raise_kernel_error, "_raise_kernel_error"}, /* gpio.LineRequest (every Handle's) */
    {&names.smbus_failed, "_smbus_failed"},         /* i2c.Device */
    {&names.write_failed, "_write_failed"},         /* spi.Device */
    {&names.transfer_failed, "_transfer_failed"},   /* spi.Device */
    {&names.raise_closed, "_raise_closed"},         /* dmabuf.Buffer */
    {&names.map_failed, "_map_failed"},             /* dmabuf.Buffer */
    {&names.sync_failed, "_sync_failed"},           /* dmabuf.Buffer */
    {&names.raise_alloc_error, "_raise_alloc_error"}, /* dmabuf.Heap */
    /* methods of the objects the C code is handed */
    {&names.release, "release"}, /* cpu_access's memoryview */
    {&names.close, "close"},     /* the backend's (the closer of a buffer's gate) */
    {&names.mmap, "mmap"},       /* the backend's, as the three below: a non-kernel backend is called */
    {&names.dma_buf_sync, "dma_buf_sync"},
    {&names.dma_heap_alloc, "dma_heap_alloc"},
    /* the keywords of dmabuf.Buffer.cpu_access */
    {&names.read, "read"},
    {&names.write, "write"},
    /* not names: the operations SmbusReads hands its bus's fail() */
    {&names.smbus_operation[0], "SMBus read byte"},
    {&names.smbus_operation[1], "SMBus read word"},
};

PyObject *call_python(PyObject *function, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
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

PyObject *call_method(PyObject *obj, PyObject *name, const char *format, ...)
{
    PyObject *method = PyObject_GetAttr(obj, name), *args, *result = NULL;
    va_list va;
    if (method == NULL)
        return NULL;
    va_start(va, format);
    args = Py_VaBuildValue(format, va);
    va_end(va);
    if (args != NULL) {
        result = PyObject_Call(method, args, NULL);
        Py_DECREF(args);
    }
    Py_DECREF(method);
    return result;
}

/* The pending exception, normalized with its traceback (a new reference), and none left pending. */
static PyObject *take_exception(void)
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

PyObject *raised(PyObject *result, PyObject *context)
{
    PyObject *type, *value, *traceback;
    if (result != NULL) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_SystemError, "a linuxhw error helper returned instead of raising");
    }
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value != NULL && context != NULL && value != context)
        PyException_SetContext(value, context); /* steals context */
    else
        Py_XDECREF(context);
    PyErr_Restore(type, value, traceback);
    return NULL;
}

PyObject *library_error(PyObject *obj, PyObject *helper, const char *format, ...)
{
    PyObject *exc, *code, *extra, *args = NULL, *method, *result = NULL;
    long err = EIO;
    Py_ssize_t i;
    va_list va;
    if (!PyErr_ExceptionMatches(PyExc_OSError))
        return NULL;
    exc = take_exception();
    code = ((PyOSErrorObject *)exc)->myerrno; /* exc.errno or EIO, as the Python paths take it */
    if (code != NULL && PyLong_Check(code) && (err = PyLong_AsLong(code)) == 0)
        err = EIO;
    if (err == -1 && PyErr_Occurred())
        return raised(NULL, exc);
    va_start(va, format);
    extra = Py_VaBuildValue(format, va);
    va_end(va);
    if (extra != NULL && (args = PyTuple_New(PyTuple_GET_SIZE(extra) + 1)) != NULL) {
        PyTuple_SET_ITEM(args, 0, PyLong_FromLong(err));
        for (i = 0; i < PyTuple_GET_SIZE(extra); i++) {
            Py_INCREF(PyTuple_GET_ITEM(extra, i));
            PyTuple_SET_ITEM(args, i + 1, PyTuple_GET_ITEM(extra, i));
        }
        if (PyTuple_GET_ITEM(args, 0) == NULL)
            Py_CLEAR(args);
    }
    Py_XDECREF(extra);
    method = args != NULL ? PyObject_GetAttr(obj, helper) : NULL;
    if (method != NULL) {
        result = PyObject_Call(method, args, NULL);
        Py_DECREF(method);
    }
    Py_XDECREF(args);
    return raised(result, exc);
}

Py_ssize_t slot_offset(PyObject *cls, PyObject *name)
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

static const struct {
    const char *group;
    CMethods *methods;
} method_groups[] = {
    {"gpio", &gpio_value_methods},
    {"smbus", &smbus_read_methods},
    {"edge", &gpio_edge_methods},
};

PyDoc_STRVAR(c_methods_doc,
"c_methods(cls, group, *python) -> tuple of methods\n\n"
"The C methods of group (\"gpio\": get_value, set_value, get_values, set_values, reconfigure of\n"
"LineRequest; \"edge\": its read_edge_events; \"smbus\": read_byte_data, read_word_data of Device)\n"
"as method descriptors of cls, in that order, each falling back to the Python function given in its\n"
"place. cls keeps the C state in a __slots__ member: _c_values, _c_events or _c_reads (and\n"
"LineRequest its configuration in _config).");

static PyObject *c_methods(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    CMethods *methods = NULL;
    PyObject *result;
    const char *group;
    Py_ssize_t count = 0, i;
    size_t g;
    (void)module;
    if (nargs < 3 || !PyType_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "c_methods() takes a class, a group name and its Python functions");
        return NULL;
    }
    group = PyUnicode_AsUTF8(args[1]);
    if (group == NULL)
        return NULL;
    for (g = 0; g < Py_ARRAY_LENGTH(method_groups) && methods == NULL; g++)
        if (!strcmp(group, method_groups[g].group))
            methods = method_groups[g].methods;
    if (methods == NULL) {
        PyErr_Format(PyExc_ValueError, "no C methods for %R", args[1]);
        return NULL;
    }
    while (count < CMETHODS_MAX && methods->defs[count].ml_name)
        count++;
    if (nargs - 2 != count) {
        PyErr_Format(PyExc_TypeError, "c_methods(cls, %R) takes %zd Python functions, not %zd", args[1], count,
                     nargs - 2);
        return NULL;
    }
    for (i = 0; i < count; i++)
        if (!PyCallable_Check(args[i + 2])) {
            PyErr_Format(PyExc_TypeError, "c_methods(): %R is not callable", args[i + 2]);
            return NULL;
        }
    methods->state_offset = slot_offset(args[0], *methods->state_name);
    if (methods->state_offset < 0)
        return NULL;
    if (methods->shared_name != NULL && (methods->shared_offset = slot_offset(args[0], *methods->shared_name)) < 0)
        return NULL;
    result = PyTuple_New(count);
    for (i = 0; result != NULL && i < count; i++) {
        PyObject *descr = PyDescr_NewMethod((PyTypeObject *)args[0], &methods->defs[i]);
        if (descr == NULL)
            Py_CLEAR(result);
        else
            PyTuple_SET_ITEM(result, i, descr);
    }
    for (i = 0; result != NULL && i < count; i++) {
        Py_INCREF(args[i + 2]);
        Py_XSETREF(methods->python[i], args[i + 2]);
    }
    return result;
}

static PyMethodDef module_functions[] = {
    {"c_methods", (PyCFunction)(void (*)(void))c_methods, METH_FASTCALL, c_methods_doc},
    {NULL, NULL, 0, NULL},
};

/* The module functions, by file. */
static PyMethodDef *const function_tables[] = {
    module_functions, gpio_functions, i2c_functions, spi_functions, dmabuf_functions,
};

/* The types, by file; a NULL name is a type the module uses but does not export. */
static const struct {
    const char *name;
    PyTypeObject *type;
} type_table[] = {
    {"FdGate", &FdGateType},
    {"ReadLock", &ReadLockType},
    {"GpioValues", &GpioValuesType},
    {"GpioConfig", &GpioConfigType},
    {"EdgeSequence", &EdgeSequenceType},
    {"EdgeReads", &EdgeReadsType},
    {"I2cChannel", &I2cChannelType},
    {"SmbusReads", &SmbusReadsType},
    {"SpiWriter", &SpiWriterType},
    {NULL, &MappingType},
    {"BufferBase", &BufferBaseType},
    {"CpuAccess", &CpuAccessType},
    {"HeapAlloc", &HeapAllocType},
};

static struct PyModuleDef fastpath_module = {
    PyModuleDef_HEAD_INIT, "linuxhw._fastpath",
    "Per-operation GPIO, SMBus, SPI and dma-buf calls in C (see linuxhw/_ext/).", -1,
    NULL, NULL, NULL, NULL, NULL,
};

/* The names interned, os.close and the page size: 0, or -1 with an exception set. */
static int module_globals(void)
{
    PyObject *os;
    size_t i;
    /* every name has its row (not Py_BUILD_ASSERT of Py_ARRAY_LENGTH: 3.13.0's is no constant to gcc 12) */
    _Static_assert(sizeof(names) == sizeof(name_table) / sizeof(name_table[0]) * sizeof(PyObject *), "names");
    for (i = 0; i < Py_ARRAY_LENGTH(name_table); i++) {
        *name_table[i].name = PyUnicode_InternFromString(name_table[i].text);
        if (*name_table[i].name == NULL)
            return -1;
    }
    os = PyImport_ImportModule("os");
    if (os == NULL)
        return -1;
    os_close = PyObject_GetAttrString(os, "close");
    Py_DECREF(os);
    page_size = sysconf(_SC_PAGESIZE);
    return os_close ? 0 : -1;
}

PyMODINIT_FUNC PyInit__fastpath(void)
{
    PyObject *module;
    size_t i;
    if (module_globals() < 0)
        return NULL;
    for (i = 0; i < Py_ARRAY_LENGTH(type_table); i++)
        if (PyType_Ready(type_table[i].type) < 0)
            return NULL;
    module = PyModule_Create(&fastpath_module);
    if (module == NULL)
        return NULL;
    for (i = 0; i < Py_ARRAY_LENGTH(function_tables); i++)
        if (PyModule_AddFunctions(module, function_tables[i]) < 0)
            goto fail;
    for (i = 0; i < Py_ARRAY_LENGTH(type_table); i++) {
        PyTypeObject *type = type_table[i].type;
        if (type_table[i].name == NULL)
            continue;
        Py_INCREF(type);
        if (PyModule_AddObject(module, type_table[i].name, (PyObject *)type) < 0) {
            Py_DECREF(type);
            goto fail;
        }
    }
    return module;
fail:
    Py_DECREF(module);
    return NULL;
}
