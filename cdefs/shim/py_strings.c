/* A batch's strings as Python str objects (see py_strings.h). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "py_strings.h"

gsize
wirepy_strings_count(const char *data, gsize len)
{
    const char *p = data, *end = data + len;
    gsize n = 1;

    while ((p = memchr(p, '\0', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

int
wirepy_strings_fill(const char *data, gsize len, void *out_list)
{
    PyObject *list = (PyObject *)out_list;
    PyGILState_STATE gil = PyGILState_Ensure();
    const char *p = data, *end = data + len;
    Py_ssize_t i = 0, size = PyList_Size(list);
    int rc = 0;

    for (;;) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        const char *stop = nul != NULL ? nul : end;
        PyObject *s;

        if (i >= size) {
            rc = -2;
            break;
        }
        s = PyUnicode_DecodeUTF8(p, (Py_ssize_t)(stop - p), "surrogateescape");
        if (s == NULL) {
            PyErr_Clear();
            rc = -1;
            break;
        }
        PyList_SetItem(list, i++, s);   /* steals s, drops what was there */
        if (nul == NULL)
            break;
        p = nul + 1;
    }
    if (rc == 0 && i != size)
        rc = -2;
    PyGILState_Release(gil);
    return rc;
}
