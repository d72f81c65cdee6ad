"""godelmachine: a Gödel machine that rewrites itself only on a proof that the rewrite helps.

The Python API (the command line uses it too):

    from godelmachine import Machine, load_task
    result = Machine(load_task("sum-to-n"), seed=0).run()
    print(result.reward, [s.summary for s in result.switches])
"""

from typing import Any

from godelmachine.version import __version__

__all__ = ["Machine", "load_task", "__version__"]


def __getattr__(name: str) -> Any:
    # imported on first use, so that `godelmachine eval` does not pay for Z3 and numpy
    if name == "Machine":
        from godelmachine.machine.machine import Machine

        return Machine
    if name == "load_task":
        from godelmachine.machine.task import load_task

        return load_task
    raise AttributeError(name)
