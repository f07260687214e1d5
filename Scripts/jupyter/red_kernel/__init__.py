"""A Jupyter kernel for `red`: cells of `.red` statements run in one `red --kernel` session."""

__version__ = "0.1.0"
