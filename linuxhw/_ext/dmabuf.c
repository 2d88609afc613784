/* DMA-BUF: the heap allocation and sync calls for the backend (dma_heap_alloc, dma_buf_sync), a
 * mapping owned by its views (Mapping: mapping_view, map_shared), and one buffer's whole life in C:
 * dmabuf.Buffer's C base, its cpu_access block and Heap.allocate's common call.
 *
 * One buffer's life (allocate, cpu_access, close) is a handful of syscalls: the Python frames around
 * them cost more than they do. BufferBase holds what they need (fd, size, the mapping) and makes them
 * here; dmabuf.Buffer (Python) subclasses it for everything else and keeps the error messages, which
 * these call on failure. With a backend other than the kernel's (the mock, a test's recorder) the
 * same code calls the backend's methods, so every backend is driven through the same seam. The
 * buffer's fd and the heap's are used between gate_enter and gate_leave of their FdGates, as every
 * Handle's: close() from another thread never closes an fd under a call in flight. */
#include "internal.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

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

PyTypeObject MappingType = {
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

static PyObject *dma_direct_backend; /* the last backend found to be the kernel's (a strong ref) */
static PyObject *dma_direction;      /* dmabuf.buffer._direction(read, write), for named flags */

/* Whether backend is the kernel backend (its calls are this module's and os.close): then the
 * syscalls are made here, without calling it. 1, 0, or -1 with an exception set. */
static int dma_is_direct(PyObject *backend)
{
    PyObject *const attrs[] = {names.dma_buf_sync, names.mmap, names.dma_heap_alloc, names.close};
    static const PyCFunction functions[] = {
        (PyCFunction)(void (*)(void))dma_buf_sync, (PyCFunction)(void (*)(void))map_shared,
        (PyCFunction)(void (*)(void))dma_heap_alloc, NULL};
    if (backend == dma_direct_backend)
        return 1;
    for (int i = 0; i < 4; i++) {
        PyObject *call = PyObject_GetAttr(backend, attrs[i]);
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
    return raised(PyObject_CallMethodNoArgs(obj, names.raise_closed), NULL);
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
        view = call_method(self->backend, names.mmap, "(innO)", fd, self->size, (Py_ssize_t)0,
                           self->writable ? Py_True : Py_False);
    }
    gate_leave(gate);
    Py_DECREF(gate);
    if (view == NULL)
        return library_error((PyObject *)self, names.map_failed, "()");
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
    PyObject *result = NULL;
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
        result = call_method(self->backend, names.dma_buf_sync, "(ik)", fd, flags);
        Py_XDECREF(result);
    }
    gate_leave(gate);
    Py_DECREF(gate);
    if (result != NULL)
        return 0;
    if (operation == NULL && PyErr_ExceptionMatches(PyExc_OSError)) {
        PyErr_Clear();
        return 0;
    }
    library_error((PyObject *)self, names.sync_failed, "(ks)", flags, operation);
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
            if (key == names.read || PyUnicode_Compare(key, names.read) == 0)
                read = args[i];
            else if (key == names.write || PyUnicode_Compare(key, names.write) == 0)
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
    result = PyObject_CallMethodNoArgs(view, names.release);
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

PyTypeObject CpuAccessType = {
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

PyTypeObject BufferBaseType = {
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

static PyObject *heap_python;    /* Heap.allocate in Python */
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
    closer = PyObject_GetAttr(args[2], names.close);
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

PyTypeObject HeapAllocType = {
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
        Py_DECREF(state);
        failed(-ret);
        return library_error(heap, names.raise_alloc_error, "(L)", size);
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
    offset = slot_offset(args[0], names.c_alloc);
    if (offset < 0)
        return NULL;
    heap_state_offset = offset;
    Py_INCREF(args[1]);
    Py_XSETREF(heap_python, args[1]);
    Py_INCREF(args[2]);
    Py_XSETREF(dma_direction, args[2]);
    return PyDescr_NewMethod((PyTypeObject *)args[0], &heap_allocate_def);
}

PyMethodDef dmabuf_functions[] = {
    {"dma_heap_alloc", (PyCFunction)(void (*)(void))dma_heap_alloc, METH_FASTCALL, dma_heap_alloc_doc},
    {"dma_buf_sync", (PyCFunction)(void (*)(void))dma_buf_sync, METH_FASTCALL, dma_buf_sync_doc},
    {"mapping_view", (PyCFunction)(void (*)(void))mapping_view, METH_FASTCALL, mapping_view_doc},
    {"map_shared", (PyCFunction)(void (*)(void))map_shared, METH_FASTCALL, map_shared_doc},
    {"dma_heap_state", (PyCFunction)(void (*)(void))dma_heap_state, METH_FASTCALL, heap_alloc_doc},
    {"dma_methods", (PyCFunction)(void (*)(void))dma_methods, METH_FASTCALL, dma_methods_doc},
    {NULL, NULL, 0, NULL},
};
