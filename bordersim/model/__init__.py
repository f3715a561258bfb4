"""The SimPy model of a port of entry: plazas, lane groups, booths, secondary, arrivals."""
