"""ECM QIP calculation: pure functions, no Django (import-linter contract "engines are pure").

* :mod:`.deadlines`  when a month's RTF/OTF is due and whether a receipt was on time;
* :mod:`.measures`   per-member rows of the files in force -> per-measure numerators/denominators;
* :mod:`.scoring`    the two scoring models of the domain guide (timeliness, 100-point).
"""
