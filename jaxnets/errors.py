"""The one family of errors that mean "the input was wrong", not "jaxnets has a bug".

Library code raises these for bad arguments, configs, data and checkpoints; each message says
what was wrong and how to fix it. The command line turns exactly these into one ``error:``
line; any other exception is a bug and is shown with its traceback.

Every class also derives from the matching builtin (``ValueError``, ``TypeError``, ...), so
``except ValueError`` keeps working for callers that do not know this module.

>>> try:
...     raise InvalidArgumentError("batch_size must be positive, got 0")
... except ValueError as err:
...     isinstance(err, UserError)
True
"""


class UserError(Exception):
    """Base class: the caller's input (argument, config, file) is wrong; the message says how."""


class InvalidArgumentError(UserError, ValueError):
    """An argument or config value is out of range, inconsistent, or names nothing known."""


class InvalidTypeError(UserError, TypeError):
    """An argument has the wrong type or dtype (e.g. integer pixels where floats are needed)."""


class DataFileError(UserError, OSError):
    """A data file is missing, unreadable or malformed."""
