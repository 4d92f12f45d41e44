/* A protocol tree's node objects (see py_nodes.h). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#if PY_VERSION_HEX < 0x030C0000
/* the member types under their pre-3.12 names */
#include <structmember.h>
#define Py_T_OBJECT_EX T_OBJECT_EX
#define Py_READONLY READONLY
#endif

#include "py_nodes.h"

gssize
wirepy_slot_offset(void *descriptor)
{
    PyObject *d = (PyObject *)descriptor;
    PyGILState_STATE gil = PyGILState_Ensure();
    gssize offset = -1;

    if (Py_IS_TYPE(d, &PyMemberDescr_Type)) {
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        /* __slots__ members hold any object and raise AttributeError
         * while unset; anything else is not a slot of ours */
        if (m->type == Py_T_OBJECT_EX && !(m->flags & Py_READONLY))
            offset = (gssize)m->offset;
    }
    PyGILState_Release(gil);
    return offset;
}

static int
slot_fits(PyTypeObject *type, gssize offset)
{
    return offset >= (gssize)sizeof(PyObject)
        && offset + (gssize)sizeof(PyObject *) <= (gssize)type->tp_basicsize;
}

int
wirepy_nodes_fill(void *out_list, void *node_class, void *tree, void *strs,
                  const gint64 *ints, gsize n, gsize node_ints, gsize str_at,
                  gssize off_tree, gssize off_index, gssize off_label,
                  gssize off_show)
{
    PyObject *list = (PyObject *)out_list, *tree_obj = (PyObject *)tree;
    PyObject *strings = (PyObject *)strs;
    PyTypeObject *type = (PyTypeObject *)node_class;
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_ssize_t n_strs;
    int rc = 0;

    if (!PyList_Check(list) || PyList_GET_SIZE(list) != (Py_ssize_t)n
            || !PyList_Check(strings) || !PyType_Check((PyObject *)type)
            || !slot_fits(type, off_tree) || !slot_fits(type, off_index)
            || !slot_fits(type, off_label) || !slot_fits(type, off_show)) {
        PyGILState_Release(gil);
        return -2;
    }
    for (gsize i = 0; i < n; i++) {
        gint64 si = ints[i * node_ints + str_at];
        PyObject *node, *index, *label, *show;

        /* read each time: an allocation may run a collection's finalizers */
        n_strs = PyList_GET_SIZE(strings);
        if (si < 0 || si + 1 >= n_strs) {
            rc = -2;
            break;
        }
        index = PyLong_FromSize_t(i);
        if (index == NULL) {
            rc = -1;
            break;
        }
        /* zeroed: every slot unset until set below; a collection the
         * allocation may start sees only complete nodes in the list */
        node = type->tp_alloc(type, 0);
        if (node == NULL) {
            Py_DECREF(index);
            rc = -1;
            break;
        }
        label = PyList_GET_ITEM(strings, (Py_ssize_t)si);
        show = PyList_GET_ITEM(strings, (Py_ssize_t)si + 1);
        Py_INCREF(tree_obj);
        Py_INCREF(label);
        Py_INCREF(show);
        *(PyObject **)((char *)node + off_tree) = tree_obj;
        *(PyObject **)((char *)node + off_index) = index;
        *(PyObject **)((char *)node + off_label) = label;
        *(PyObject **)((char *)node + off_show) = show;
        PyList_SetItem(list, (Py_ssize_t)i, node);   /* steals node */
    }
    if (rc == -1)
        PyErr_Clear();
    PyGILState_Release(gil);
    return rc;
}
