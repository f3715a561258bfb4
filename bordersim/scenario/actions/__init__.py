"""Action types of response plans, one module each; every module here is loaded, and its
type registered (see :mod:`bordersim.scenario.items`)."""

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
