/* py_strings.h -- a batch's strings as Python str objects, made in C.
 *
 * A batch of full trees carries hundreds of strings per packet (labels,
 * shows, raw values, data source names), NUL-separated. Decoding the whole
 * buffer and splitting it in Python made every string twice (the split
 * copies out of a decoded buffer that is often UCS-2 for one arrow in one
 * label); here each is decoded once, straight from the bytes.
 */
#ifndef WIREPY_PY_STRINGS_H
#define WIREPY_PY_STRINGS_H

#include <glib.h>

/* The number of strings in data[0:len]: its NULs plus one. */
gsize wirepy_strings_count(const char *data, gsize len);

/* Fills the Python list *out_list* (its address), made with exactly
 * wirepy_strings_count(data, len) items, with the strings of data[0:len]
 * as str.split("\0") gives them after decoding with UTF-8 and
 * surrogateescape (n separators: n + 1 strings). Made at its size, the list
 * is never grown: growing a list of a batch's tens of thousands of strings
 * copied it over and over. 0; -1 when out of memory; -2 when the list has
 * not the right size. Takes the GIL. */
int wirepy_strings_fill(const char *data, gsize len, void *out_list);

#endif
