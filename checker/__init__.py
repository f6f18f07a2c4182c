"""Submission checker: judges coursework submitted as GitHub pull requests.

The package is a pure core (model, routing, rules) with thin edges: ``inspect`` opens
submitted files, ``report`` prints, ``github`` talks HTTP. See docs/development.md.
"""

__version__ = "0.1.0"
