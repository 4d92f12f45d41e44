"""Helper module to make working with CFFI more convenient.

Classes that mainly wrap a C *struct* may subclass :class:`CDataObject`,
which carries :class:`MetaCDataObject` as its meta-class. When a deriving
class is created, all class-level attributes that derive from
:class:`BaseAttribute` are replaced with standard Python properties that
access the wrapped struct-members, automatically cast to Python types,
raise exceptions and keep references to allocated memory in order to handle
garbage collection.

A class names the struct it wraps in ``_struct`` (a type name CFFI knows,
such as ``"frame_data"`` or ``"struct pcap_pkthdr"``); its instances keep a
pointer to (or an instance of) that struct in ``self.cdata``. Members the
struct does not have are rejected when the class is created, so a typo
fails at import time, not on first access.

The properties are built for hot paths: a plain read is one
:func:`operator.attrgetter` call implemented in C.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Optional

from .wireshark import mod

ffi = mod.ffi

__all__ = [
    "AttributeAccessError",
    "AttributeSizeError",
    "BaseAttribute",
    "Attribute",
    "ROAttribute",
    "BooleanAttribute",
    "StringAttribute",
    "ROStringAttribute",
    "ListAttribute",
    "IntListAttribute",
    "CDataObject",
    "MetaCDataObject",
]


class AttributeAccessError(AttributeError):
    """Indicates access to an attribute that can't be accessed that way."""


class AttributeSizeError(AttributeError):
    """A list-like attribute was set to an incorrect size."""


def _keep(obj: Any, key: str, value: Any) -> None:
    """Keep *value* (memory the struct now points to) alive as long as *obj*."""
    try:
        refs = obj._cdata_refs
    except AttributeError:
        refs = obj._cdata_refs = {}
    if value is None:
        refs.pop(key, None)
    else:
        refs[key] = value


class BaseAttribute:
    """An attribute on a cdata-object.

    An attribute defines methods to read, write and delete values. These
    methods end up as :func:`property` s on the final class.
    """

    #: Defaults used where the constructor's ``can_*`` arguments are None.
    default_can_read = True
    default_can_write = True
    default_can_del = False

    def __init__(self, structmember: Optional[str] = None, can_read: Optional[bool] = None,
                 can_write: Optional[bool] = None, can_del: Optional[bool] = None,
                 doc: Optional[str] = None) -> None:
        """
        :param structmember: Name of the member to access by this attribute.
            :class:`MetaCDataObject` will use the attribute's name in case
            *structmember* is None.
        :param can_read: Indicates whether this attribute should provide read
            access to the underlying member or raise an
            :class:`AttributeAccessError`.
        :param can_write: Same as *can_read* for write access.
        :param can_del: Same as *can_read* for deletion.
        :param doc: docstring to be placed on the final property.
        """
        self.structmember = structmember
        self.can_read = self.default_can_read if can_read is None else can_read
        self.can_write = self.default_can_write if can_write is None else can_write
        self.can_del = self.default_can_del if can_del is None else can_del
        self.doc = doc
        self.name: Optional[str] = None

    def bind(self, name: str) -> None:
        """Called by the metaclass with the attribute's name on the class."""
        self.name = name
        if self.structmember is None:
            self.structmember = name

    def members(self) -> list:
        """The struct members this attribute needs (checked at class creation)."""
        return [self.structmember]

    # -- generated accessors -------------------------------------------------
    def getter(self) -> Callable[[Any], Any]:
        """Generate a function that serves as a getter."""
        return operator.attrgetter("cdata." + self.structmember)

    def setter(self) -> Callable[[Any, Any], None]:
        """Generate a function that serves as a setter."""
        member = self.structmember

        def set_(obj, value):
            setattr(obj.cdata, member, value)
        return set_

    def deleter(self) -> Callable[[Any], None]:
        """Generate a function that serves as a deleter.

        Deleting sets the member to zero (NULL for pointers) and drops any
        memory kept for it.
        """
        member = self.structmember

        def del_(obj):
            current = getattr(obj.cdata, member)
            if isinstance(current, ffi.CData):
                setattr(obj.cdata, member, ffi.NULL)
            else:
                setattr(obj.cdata, member, 0)
            _keep(obj, member, None)
        return del_

    def getter_cant_get(self) -> Callable[[Any], Any]:
        """Generate a function that indicates an access-error while reading."""
        name = self.name

        def cant_get(obj):
            raise AttributeAccessError(f"attribute {name!r} of {type(obj).__name__} "
                                       "can't be read")
        return cant_get

    def setter_cant_set(self) -> Callable[[Any, Any], None]:
        """Generate a function that indicates an access-error while writing."""
        name = self.name

        def cant_set(obj, value):
            raise AttributeAccessError(f"attribute {name!r} of {type(obj).__name__} "
                                       "can't be written")
        return cant_set

    def deleter_cant_delete(self) -> Callable[[Any], None]:
        """Generate a function that indicates an access-error while deleting."""
        name = self.name

        def cant_del(obj):
            raise AttributeAccessError(f"attribute {name!r} of {type(obj).__name__} "
                                       "can't be deleted")
        return cant_del

    def make_property(self) -> property:
        """The property that replaces this attribute on the final class."""
        return property(
            self.getter() if self.can_read else self.getter_cant_get(),
            self.setter() if self.can_write else self.setter_cant_set(),
            self.deleter() if self.can_del else self.deleter_cant_delete(),
            self.doc,
        )


class Attribute(BaseAttribute):
    """A basic attribute that sets and gets the raw value."""


class ROAttribute(Attribute):
    """A basic attribute that can only read but never write."""

    default_can_write = False


class BooleanAttribute(BaseAttribute):
    """A boolean value (a C ``gboolean``/``int`` read as ``bool``)."""

    def getter(self):
        get = operator.attrgetter("cdata." + self.structmember)
        return lambda obj: bool(get(obj))

    def setter(self):
        member = self.structmember

        def set_(obj, value):
            setattr(obj.cdata, member, 1 if value else 0)
        return set_


class StringAttribute(BaseAttribute):
    """A null-terminated string.

    Reading gives a :class:`str` (None for NULL), decoded as UTF-8 with
    invalid bytes kept as surrogate escapes. Writing allocates a new
    ``char[]``, which is kept alive as long as the object.
    """

    default_can_del = True

    def getter(self):
        get = operator.attrgetter("cdata." + self.structmember)
        string = ffi.string
        NULL = ffi.NULL

        def get_(obj):
            ptr = get(obj)
            if ptr == NULL:
                return None
            return string(ptr).decode("utf-8", "surrogateescape")
        return get_

    def setter(self):
        member = self.structmember

        def set_(obj, value):
            if value is None:
                setattr(obj.cdata, member, ffi.NULL)
                _keep(obj, member, None)
                return
            if isinstance(value, str):
                value = value.encode("utf-8", "surrogateescape")
            buf = ffi.new("char[]", value)
            setattr(obj.cdata, member, buf)
            _keep(obj, member, buf)
        return set_


class ROStringAttribute(StringAttribute):
    """A zero-terminated string that can only be read but never be written."""

    default_can_write = False
    default_can_del = False


class ListAttribute(BaseAttribute):
    """A list-like attribute, such as ``char **`` or ``int *``.

    The number of items is the value of another member of the struct,
    *sizeattr*. Reading gives a list (``char *`` items as :class:`str`);
    writing needs a sequence of exactly that size (set the size member
    first) and raises :class:`AttributeSizeError` otherwise.
    """

    def __init__(self, sizeattr: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sizeattr = sizeattr

    def members(self):
        return [self.structmember, self.sizeattr]

    @staticmethod
    def _convert(item):
        if isinstance(item, ffi.CData) and ffi.typeof(item) is _CHAR_P:
            return None if item == ffi.NULL else ffi.string(item).decode(
                "utf-8", "surrogateescape")
        return item

    def getter(self):
        member, sizeattr = self.structmember, self.sizeattr
        convert = self._convert

        def get_(obj):
            cdata = obj.cdata
            ptr = getattr(cdata, member)
            if ptr == ffi.NULL:
                return []
            return [convert(ptr[i]) for i in range(getattr(cdata, sizeattr))]
        return get_

    def _new_array(self, obj, values):
        ptrtype = ffi.typeof(getattr(obj.cdata, self.structmember))
        itemtype = ptrtype.item
        if itemtype is _CHAR_P:
            keep = [ffi.new("char[]", v.encode("utf-8", "surrogateescape")
                            if isinstance(v, str) else v) for v in values]
            arr = ffi.new("char *[]", keep)
            return arr, (arr, keep)
        arr = ffi.new(ffi.getctype(itemtype, "[]"), list(values))
        return ffi.cast(ptrtype, arr), arr

    def setter(self):
        member, sizeattr = self.structmember, self.sizeattr

        def set_(obj, values):
            values = list(values)
            size = getattr(obj.cdata, sizeattr)
            if len(values) != size:
                raise AttributeSizeError(
                    f"{type(obj).__name__}.{self.name} holds {size} items "
                    f"(its size member {sizeattr!r}); got {len(values)}")
            ptr, keep = self._new_array(obj, values)
            setattr(obj.cdata, member, ptr)
            _keep(obj, member, keep)
        return set_


class IntListAttribute(ListAttribute):
    """A list of integers like ``int *``.

    A new ``int[]`` is created and kept upon assigning to the attribute.
    """

    def _new_array(self, obj, values):
        ptrtype = ffi.typeof(getattr(obj.cdata, self.structmember))
        arr = ffi.new("int[]", [int(v) for v in values])
        return ffi.cast(ptrtype, arr), arr

    def getter(self):
        member, sizeattr = self.structmember, self.sizeattr

        def get_(obj):
            cdata = obj.cdata
            ptr = getattr(cdata, member)
            if ptr == ffi.NULL:
                return []
            ints = ffi.cast("int *", ptr)
            return [ints[i] for i in range(getattr(cdata, sizeattr))]
        return get_


_CHAR_P = ffi.typeof("char *")


def _struct_fields(ctype_name: str) -> set:
    ctype = ffi.typeof(ctype_name)
    if ctype.kind == "pointer":
        ctype = ctype.item
    if ctype.kind != "struct" and ctype.kind != "union":
        raise TypeError(f"{ctype_name!r} is not a struct or union type")
    try:
        # Reading .fields of an opaque struct trips an assertion inside
        # CFFI's backend; its unknown size is the safe test.
        ffi.sizeof(ctype)
    except ffi.error:
        raise TypeError(f"{ctype_name!r} is an opaque struct: no members to wrap") from None
    return {name for name, _ in ctype.fields}


class MetaCDataObject(type):
    """Metaclass that automatically creates accessors to the underlying
    C-level *struct*.

    A class using this metaclass should define a single ``_struct``
    attribute that names the to-be-wrapped *struct*. All instances of
    objects deriving from :class:`BaseAttribute` are **replaced** by
    standard Python properties; the attributes themselves are kept in the
    class's ``_attributes`` mapping. Instances of such a class should have
    an instance-attribute named ``cdata`` that references an instance of
    (or a pointer to) the wrapped *struct*.
    """

    def __new__(mcs, name, bases, namespace, **kwargs):
        attributes = {key: value for key, value in namespace.items()
                      if isinstance(value, BaseAttribute)}
        struct = namespace.get("_struct")
        if struct is None:
            for base in bases:
                struct = getattr(base, "_struct", None)
                if struct is not None:
                    break
        if attributes:
            if struct is None:
                raise TypeError(f"{name} declares struct attributes but no _struct")
            fields = _struct_fields(struct)
            for key, attribute in attributes.items():
                attribute.bind(key)
                for member in attribute.members():
                    if member not in fields:
                        raise TypeError(
                            f"{name}.{key}: struct {struct!r} has no member {member!r}")
                namespace[key] = attribute.make_property()
        inherited = {}
        for base in reversed(bases):
            inherited.update(getattr(base, "_attributes", {}))
        inherited.update(attributes)
        namespace["_attributes"] = inherited
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class CDataObject(metaclass=MetaCDataObject):
    """Base class for objects wrapping a *struct*.

    ``cdata`` is the wrapped struct (a CFFI pointer or instance).
    """

    _struct: Optional[str] = None
    __slots__ = ("cdata", "_cdata_refs", "__weakref__")

    def __repr__(self) -> str:
        shown = []
        for key, attribute in self._attributes.items():
            if attribute.can_read:
                try:
                    shown.append(f"{key}={getattr(self, key)!r}")
                except Exception as exc:  # a repr must not raise
                    shown.append(f"{key}=<{type(exc).__name__}>")
        return f"<{type(self).__name__} {' '.join(shown)}>"
