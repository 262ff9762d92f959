"""adamcode: the optimizers of the book *adamcode*, in NumPy, with SymPy twins.

Every optimizer has the same pure, functional interface::

    opt = Adam(lr=0.1)
    state = opt.init(params)
    params, state = opt.step(params, grads, state)   # inputs are never modified
"""
from . import problems, symbolic
from .adam import Adam, AdamState
from .base import Optimizer
from .trajectory import Trajectory, run

__all__ = ["Adam", "AdamState", "Optimizer", "Trajectory", "run", "problems", "symbolic"]
__version__ = "0.1.0"
