"""octasee's version, in one place: the package root, the CLI, the build's manifest and
the cache's library fingerprint read it from here (nothing inside octasee imports the
package root), and the wheel's metadata too (``[tool.hatch.version]``)."""

__version__ = "0.1.0"
