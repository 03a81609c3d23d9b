def ascii_int(value):
    """``value`` as a non-negative integer if it is 1-18 ASCII digits, else None.

    ``str.isdigit()`` alone also accepts digits such as "²", which ``int()`` refuses.
    """
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
