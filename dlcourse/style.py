"""The course's matplotlib look, applied by ``dlcourse.setup()``.

Example:
    >>> use_course_style()
"""

from __future__ import annotations

COURSE_RC = {
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_course_style() -> None:
    """Apply the course's plot defaults to matplotlib's global ``rcParams``."""
    import matplotlib as mpl

    mpl.rcParams.update(COURSE_RC)
