/* A batch's strings as Python str objects (see py_strings.h). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "py_strings.h"

int
wirepy_strings_list(const char *data, gsize len, void *out_list)
{
    PyObject *list = (PyObject *)out_list;
    PyGILState_STATE gil = PyGILState_Ensure();
    const char *p = data, *end = data + len;
    int rc = 0;

    for (;;) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        const char *stop = nul != NULL ? nul : end;
        PyObject *s = PyUnicode_DecodeUTF8(p, (Py_ssize_t)(stop - p), "surrogateescape");

        if (s == NULL || PyList_Append(list, s) != 0) {
            Py_XDECREF(s);
            PyErr_Clear();
            rc = -1;
            break;
        }
        Py_DECREF(s);
        if (nul == NULL)
            break;
        p = nul + 1;
    }
    PyGILState_Release(gil);
    return rc;
}
