"""The version of godelmachine: the one place it is written.

Every log's header records it (a resumed or replayed run must be of the same version), the
package root exports it as `godelmachine.__version__`, and the build reads it from here
(`[tool.hatch.version]` in pyproject.toml). A module of its own, below every layer, so that the
machine reads it without importing the package root, which imports the machine.
"""

__version__ = "0.1.0"
