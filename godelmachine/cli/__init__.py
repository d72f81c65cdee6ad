"""The command line, a face of the machine (`godelmachine eval | run | tasks | primitives | log | axioms`).

`main.py` holds the top-level commands and the entry point; `log.py` and `axioms.py` the `log`
and `axioms` command groups; `report.py`, `plot.py` and `export.py` what `log show | diff`,
`log plot` and `log export` make of a log; `assumptions.py` what a run rests on, as `run`,
`log show` and `log verify` print it; `output.py` what every command prints alike. The machine
(`godelmachine/machine/`) knows nothing of them.
"""
