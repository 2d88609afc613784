/* What the C files of linuxhw._fastpath share (linuxhw/_ext/: one file per subsystem, gate.c, module.c):
 * the FdGate and its enter/leave, the argument and ioctl helpers, the errno handoff to Python, the
 * interned names every file looks up on Python objects, and each file's entry points for module.c.
 * The calls of the hot paths are static inline here, so that splitting the files costs no call. */
#ifndef LINUXHW_EXT_INTERNAL_H
#define LINUXHW_EXT_INTERNAL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pythread.h>
#include <structmember.h>
#if PY_VERSION_HEX < 0x030B0000
#include <longintrepr.h> /* small_int(): from 3.11 Python.h has it */
#endif

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/types.h>

/* ---- the FdGate (gate.c) -------------------------------------------------------------------- */

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

extern PyTypeObject FdGateType;

/* Close the descriptor and the wake-up eventfd: 0, or -1 with closer's exception set. */
int gate_finish(FdGate *self);
/* Refuse new calls and wake the waits; close the fd now if no call is in flight (else the last
 * one out does): 0, or -1 with closer's exception set. */
int gate_shut(FdGate *self);
/* A new gate of type (FdGateType or a subclass) for fd, closed through closer. */
FdGate *gate_make(PyTypeObject *type, int fd, PyObject *closer);

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

/* A new lock in *lock: 0, or -1 with MemoryError set. */
static inline int lock_new(PyThread_type_lock *lock)
{
    *lock = PyThread_allocate_lock();
    if (*lock != NULL)
        return 0;
    PyErr_NoMemory();
    return -1;
}

/* Take a lock, waiting with the GIL released (signal handlers run meanwhile, as threading.Lock's
 * do): 0, or -1 with the exception a handler raised. The I2C channel's and the event readers'. */
static inline int lock_acquire(PyThread_type_lock lock)
{
    PyLockStatus status = PyThread_acquire_lock_timed(lock, 0, 0);
    while (status != PY_LOCK_ACQUIRED) {
        Py_BEGIN_ALLOW_THREADS
        status = PyThread_acquire_lock_timed(lock, -1, 1);
        Py_END_ALLOW_THREADS
        if (status == PY_LOCK_INTR && Py_MakePendingCalls() < 0)
            return -1;
    }
    return 0;
}

/* An event reader's read_lock (EventReader.read_lock): one read and its decoding and counting at a
 * time, in Python (``with lock:``) and in the C reads alike, which take it with no call. */
typedef struct {
    PyObject_HEAD
    PyThread_type_lock lock;
    int held;
} ReadLock;

extern PyTypeObject ReadLockType;

/* Take the lock if it is free: 1, or 0 when another thread holds it. */
static inline int read_lock_try(ReadLock *self)
{
    if (!PyThread_acquire_lock(self->lock, NOWAIT_LOCK))
        return 0;
    self->held = 1;
    return 1;
}

static inline void read_lock_release(ReadLock *self)
{
    self->held = 0;
    PyThread_release_lock(self->lock);
}

/* ---- arguments, ioctls and errno ------------------------------------------------------------ */

static inline int arg_count(const char *name, Py_ssize_t nargs, Py_ssize_t expected)
{
    if (nargs == expected)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)", name, expected, nargs);
    return -1;
}

static inline int arg_fd(PyObject *obj, int *fd)
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

/* The value of an exact int of one digit (|value| < 2**30: a line's offset, index or value) read
 * from the object, with no call: 1, or 0 (nothing set) for a bigger one. */
static inline int small_int(PyObject *obj, long *out)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (!PyUnstable_Long_IsCompact((PyLongObject *)obj))
        return 0;
    *out = (long)PyUnstable_Long_CompactValue((PyLongObject *)obj);
#else
    Py_ssize_t size = Py_SIZE(obj);
    if (size < -1 || size > 1)
        return 0;
    *out = size == 0 ? 0 : (long)size * (long)((PyLongObject *)obj)->ob_digit[0];
#endif
    return 1;
}

static inline int arg_u64(PyObject *obj, __u64 *out)
{
    unsigned long long value = PyLong_AsUnsignedLongLong(obj);
    if (value == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    *out = (__u64)value;
    return 0;
}

/* One ioctl with the GIL released: its result, or -errno. */
static inline int ioctl_once(int fd, unsigned long request, void *arg)
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
static inline int ioctl_nogil(int fd, unsigned long request, void *arg)
{
    int ret;
    do {
        ret = ioctl_once(fd, request, arg);
    } while (ret == -EINTR && !PyErr_CheckSignals());
    return ret;
}

/* NULL with OSError(err) set, or with the exception a signal handler raised. */
static inline PyObject *failed(int err)
{
    if (PyErr_Occurred())
        return NULL;
    errno = err;
    return PyErr_SetFromErrno(PyExc_OSError);
}

/* ---- C methods of Python classes (module.c) -------------------------------------------------- */

/* Methods of Python classes written in C: plain method descriptors of the class (so a call is
 * CPython's fast method call, with no bound method made), which find the C state of the object in
 * one of its attributes and make the common call with no Python frame. Every other call (keywords,
 * bad arguments, a closed object, the mock backend's objects, which have no C state) goes to the
 * class's own Python implementation, which holds the rules and the error messages. */

/* One group of c_methods(): its method definitions (NULL-named after the last), the class's own
 * Python functions they fall back to (in the same order), and the __slots__ member of its C state. */
#define CMETHODS_MAX 5
typedef struct {
    PyMethodDef defs[CMETHODS_MAX + 1];
    PyObject *python[CMETHODS_MAX];
    PyObject **state_name;
    Py_ssize_t state_offset; /* 0 until c_methods() binds the group, -1 if it failed */
    PyObject **shared_name;  /* a __slots__ member the methods and the Python ones share, or NULL */
    Py_ssize_t shared_offset;
} CMethods;

/* "gpio": LineRequest.get_value, set_value, get_values, set_values, reconfigure (gpio.c) */
extern CMethods gpio_value_methods;
extern CMethods gpio_edge_methods;  /* "edge": LineRequest.read_edge_events (gpio.c) */
extern CMethods smbus_read_methods; /* "smbus": Device.read_byte_data, read_word_data (i2c.c) */

/* The C state of an object (a new reference) from the __slots__ member at offset, or NULL when it
 * has none of that type. The method descriptor has checked that self is an instance of the class
 * whose slot that is. */
static inline PyObject *c_state(PyObject *self, Py_ssize_t offset, PyTypeObject *type)
{
    PyObject *state = offset > 0 ? *(PyObject **)((char *)self + offset) : NULL;
    if (state == NULL || Py_TYPE(state) != type)
        return NULL;
    Py_INCREF(state);
    return state;
}

/* function(self, *args, **kwnames) for a call made with the vectorcall convention. */
PyObject *call_python(PyObject *function, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames);
/* obj.name(*args), the arguments built by Py_BuildValue from format, a tuple's: "(iO)". */
PyObject *call_method(PyObject *obj, PyObject *name, const char *format, ...);
/* How every C path reports a failure, the one way errors come back to Python: with the OSError
 * pending (failed(err) for the C's own syscalls, or the one a backend's Python call raised),
 * library_error() calls obj.helper(errno, *args), the class's Python helper (it holds the messages
 * and raises the library's error), the arguments after errno built from format, a tuple's: "(s)".
 * The helper's error gets the OSError as its __context__, as when the Python path raises it in its
 * except block; any other pending exception (a signal handler's) propagates as it is. Always NULL. */
PyObject *library_error(PyObject *obj, PyObject *helper, const char *format, ...);
/* NULL with the exception the helper that gave result raised (a SystemError if it returned),
 * context (stolen) as its __context__. */
PyObject *raised(PyObject *result, PyObject *context);
/* The offset of the __slots__ member name of cls; -1 with an exception set when it has none. */
Py_ssize_t slot_offset(PyObject *cls, PyObject *name);

/* ---- what the module holds (module.c) -------------------------------------------------------- */

/* Every name the C code looks up on Python objects (and the few strings it hands them), interned
 * once at import from module.c's table. */
struct lhw_names {
    /* the __slots__ members the C state lives in, and LineRequest's configuration */
    PyObject *c_values, *c_events, *c_reads, *c_alloc, *config;
    /* LineRequest's report of edge events lost */
    PyObject *check_sequence;
    /* the Python error helpers the C paths hand a failure to (library_error) */
    PyObject *raise_kernel_error, *smbus_failed, *write_failed, *transfer_failed, *map_failed, *sync_failed,
        *raise_alloc_error, *raise_closed;
    /* methods of the objects the C code is given: memoryviews, the backend */
    PyObject *release, *close, *mmap, *dma_buf_sync, *dma_heap_alloc;
    /* the keywords of dmabuf.Buffer.cpu_access */
    PyObject *read, *write;
    /* the operations SmbusReads names to its bus's fail(): read byte data, read word data */
    PyObject *smbus_operation[2];
};

extern struct lhw_names names;
extern PyObject *os_close; /* os.close, the kernel backend's close */
extern long page_size;

/* ---- each file's part of the module ----------------------------------------------------------- */

extern PyTypeObject SpiWriterType, GpioValuesType, GpioConfigType, EdgeSequenceType, EdgeReadsType, I2cChannelType,
    SmbusReadsType;
extern PyTypeObject MappingType, BufferBaseType, CpuAccessType, HeapAllocType;

extern PyMethodDef gpio_functions[], i2c_functions[], spi_functions[], dmabuf_functions[];

#endif
