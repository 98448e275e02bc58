"""The one error every command turns into a one-line message and exit code 2.

Its own module, so that commands which read no configuration (`verify`, say) do not import the
configuration model, which is assembled from every concern of the composition root.
"""

from __future__ import annotations


class ConfigError(ValueError):
    """The configuration or another input cannot be used; the message is one line for the user."""
