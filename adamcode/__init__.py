"""adamcode: the optimizers of the book *adamcode*, in NumPy, with SymPy twins.

Every optimizer has the same pure, functional interface::

    opt = Adam(lr=0.1)
    state = opt.init(params)
    params, state = opt.step(params, grads, state)   # inputs are never modified

The optimizers carry torch.optim's class names, arguments, defaults and update rules
(``SGD``, ``Adagrad``, ``RMSprop``, ``Adam``, ``AdamW``, ``Adamax``, ``NAdam``), plus
``Momentum`` (the EMA form of the source documents) and ``Lion``.
"""
from . import chapters, datasets, problems, symbolic, variants
from .adagrad import Adagrad, AdagradState
from .adam import Adam, AdamState
from .adamax import Adamax, AdamaxState
from .adamw import AdamW
from .base import Optimizer
from .lion import Lion, LionState
from .momentum import Momentum, MomentumState
from .nadam import NAdam, NAdamState
from .rmsprop import RMSprop, RMSpropState
from .sgd import SGD, SGDState
from .trajectory import OnlineRun, Trajectory, run, run_online

__all__ = [
    "SGD", "SGDState", "Momentum", "MomentumState", "Adagrad", "AdagradState",
    "RMSprop", "RMSpropState", "Adam", "AdamState", "AdamW", "Adamax", "AdamaxState",
    "NAdam", "NAdamState", "Lion", "LionState", "Optimizer", "Trajectory", "run", "OnlineRun", "run_online",
    "datasets", "problems", "symbolic", "variants", "chapters",
]
__version__ = "0.2.0"
