"""adamcode: the optimizers of the book *adamcode*, in NumPy, with SymPy twins.

Every optimizer has the same pure, functional interface::

    opt = Adam(lr=0.1)
    state = opt.init(params)
    params, state = opt.step(params, grads, state)   # inputs are never modified

and the same step in place, as torch.optim steps (``params`` and the state are updated)::

    opt.step_(params, grads, state)

Hyperparameters are read-only (``opt.replace(lr=0.01)`` makes a new optimizer); ``lr`` may be a
number or a schedule ``lr(t)`` for the steps ``t = 1, 2, ...``. ``adamcode.symbolic`` (SymPy)
is imported on first use, so ``import adamcode`` stays fast.

The optimizers carry torch.optim's class names, arguments, defaults and update rules
(``SGD``, ``Adagrad``, ``RMSprop``, ``Adam``, ``AdamW``, ``Adamax``, ``NAdam``), plus
``Momentum`` (the EMA form of the source documents) and ``Lion``; ``RAdam`` and ``Adadelta``
(chapter schedules); ``Adafactor`` and ``Muon`` (torch.optim's, chapters memory-and-speed and
beyond-adam). ``adamcode.schedules`` holds torch's learning-rate schedules as callables.
"""
import importlib

from . import chapters, datasets, problems, schedules, variants
from .adadelta import Adadelta, AdadeltaState
from .adafactor import Adafactor, AdafactorState
from .adagrad import Adagrad, AdagradState
from .adam import Adam, AdamState
from .adamax import Adamax, AdamaxState
from .adamw import AdamW
from .base import Optimizer, State
from .lion import Lion, LionState
from .momentum import Momentum, MomentumState
from .muon import Muon, MuonState
from .nadam import NAdam, NAdamState
from .radam import RAdam, RAdamState
from .rmsprop import RMSprop, RMSpropState
from .sgd import SGD, SGDState
from .trajectory import OnlineRun, Trajectory, run, run_online

__all__ = [
    "SGD", "SGDState", "Momentum", "MomentumState", "Adagrad", "AdagradState",
    "RMSprop", "RMSpropState", "Adam", "AdamState", "AdamW", "Adamax", "AdamaxState",
    "NAdam", "NAdamState", "RAdam", "RAdamState", "Adadelta", "AdadeltaState", "Lion", "LionState",
    "Adafactor", "AdafactorState", "Muon", "MuonState",
    "Optimizer", "State", "Trajectory", "run", "OnlineRun", "run_online",
    "datasets", "problems", "schedules", "symbolic", "variants", "chapters",
]
__version__ = "0.2.0"

_LAZY = ("symbolic",)  # SymPy takes about half a second to import: loaded on first use


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
