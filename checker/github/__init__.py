"""Everything that talks to GitHub. The only package that imports PyGithub.

``checker.github.history`` is pure and imports nothing from PyGithub; the other modules are
imported only by ``checker.commands.publish``, so ``python -m checker check`` starts fast.
"""
