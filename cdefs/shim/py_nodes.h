/* py_nodes.h -- a protocol tree's node objects, made in C.
 *
 * A full walk of a tree makes one wirepy.lib.epan.ProtoNode per item: a
 * couple of hundred per packet. Made by calling the class, each cost a
 * Python __init__ (about 200 ns, half of the main thread's time in a full
 * walk); here each is allocated and its four slots (tree, index, label,
 * show) are set directly, as that __init__ would set them.
 */
#ifndef WIREPY_PY_NODES_H
#define WIREPY_PY_NODES_H

#include <glib.h>

/* The offset of a __slots__ member in its objects, given the member's
 * descriptor (the address of ``Class.__dict__[name]``); -1 if it is not
 * the descriptor of an object slot. Takes the GIL. */
gssize wirepy_slot_offset(void *descriptor);

/* Fills the Python list *out_list* (its address; n items) with n new
 * instances of *node_class*: node i gets *tree* in the slot at off_tree,
 * int(i) at off_index, and with s = ints[i * node_ints + str_at],
 * strs[s] at off_label and strs[s + 1] at off_show (strs: the batch's list
 * of str, where a node's label and show follow each other).
 * The class's __init__ is not called: only for classes whose __init__ is
 * ProtoNode's and whose slot offsets wirepy_slot_offset gave. 0; -1 when
 * out of memory; -2 for arguments that do not fit (a list of another size,
 * an offset outside the object, a string index outside strs). Takes the
 * GIL. */
int wirepy_nodes_fill(void *out_list, void *node_class, void *tree, void *strs,
                      const gint64 *ints, gsize n, gsize node_ints, gsize str_at,
                      gssize off_tree, gssize off_index, gssize off_label,
                      gssize off_show);

#endif
