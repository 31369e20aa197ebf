"""Is there a live notebook front end that can run widgets? One answer for all widgets.

Widgets need a browser talking to a running kernel. When the code runs in plain
Python, or ``DLCOURSE_STATIC_WIDGETS`` is set, the widgets draw their starting state
as an ordinary figure instead.

Set ``DLCOURSE_STATIC_WIDGETS=1`` to force static figures (the test suite does, and
``dlcourse render --static-widgets``).

Example:
    >>> import os
    >>> os.environ["DLCOURSE_STATIC_WIDGETS"] = "1"
    >>> has_live_frontend()
    False
"""

from __future__ import annotations

from dlcourse._env import env_flag

STATIC_ENV = "DLCOURSE_STATIC_WIDGETS"


def static_widgets_forced() -> bool:
    """True when ``DLCOURSE_STATIC_WIDGETS`` is set to anything but 0/false/no/off."""
    return env_flag(STATIC_ENV)


def in_ipython() -> bool:
    """True inside IPython (a notebook kernel or the IPython terminal)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    return get_ipython() is not None


def in_kernel() -> bool:
    """True inside a Jupyter/Colab kernel (not the plain IPython terminal)."""
    if not in_ipython():
        return False
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None


def has_live_frontend() -> bool:
    """True when widgets can be interactive: inside a kernel and static widgets not forced."""
    return in_kernel() and not static_widgets_forced()
