"""``python -m evaluate.cli``: the same as the ``evaluate`` command."""

from evaluate.cli import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
