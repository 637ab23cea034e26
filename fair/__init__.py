"""The fair: a virtual fair and discussion platform.

Importing any part of it registers the `{name:id}` path convertor first: feature modules,
here or in a package of their own, build their routes with it as they are imported.
"""

from fair.core.paths import register_convertors

register_convertors()
