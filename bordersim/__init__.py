"""bordersim: discrete-event simulation of Canada-US land ports of entry under emergencies."""

__version__ = "0.1.0"
