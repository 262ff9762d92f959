"""AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, chapter "adamw"."""
from __future__ import annotations

from .adam import Adam


class AdamW(Adam):
    """AdamW with torch.optim.AdamW's arguments, defaults and update semantics (book, chapter adamw).

    The parameters are first shrunk by the decoupled weight decay, then Adam's step follows
    (book notation: learning rate :math:`\\eta` = ``lr``, :math:`\\eta_t` = ``lr(t)`` for a
    schedule, :math:`\\lambda` = ``weight_decay``); step :math:`t` is::

        theta  <- theta * (1 - eta_t * lambda)        (decoupled: not divided by sqrt(v_hat))
        m      <- beta1 * m + (1 - beta1) * g
        v      <- beta2 * v + (1 - beta2) * g**2
        m_hat  =  m / (1 - beta1**t)
        v_hat  =  v / (1 - beta2**t)                  (AMSGrad: max of the raw v, then corrected)
        theta  <- theta - eta_t * m_hat / (sqrt(v_hat) + eps)

    The decay is ``eta_t * lambda`` per step as in PyTorch, where a scheduler changes the lr
    the decay uses too (Loshchilov and Hutter multiply their lambda_p by the schedule multiplier
    zeta_t instead, :class:`adamcode.variants.AdamWPaper`). PyTorch's default lambda is 1e-2 (Optax's is 1e-4).
    The state is an :class:`AdamState`.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate eta >= 0, or a schedule ``lr(t)`` returning eta_t for step t = 1, 2, ...
    betas : (float, float), default (0.9, 0.999)
        Decay rates (beta1, beta2), each in [0, 1).
    eps : float, default 1e-8
        Added to ``sqrt(v_hat)``, >= 0.
    weight_decay : float, default 1e-2
        Decoupled weight decay lambda, >= 0.
    amsgrad : bool, default False
        Use the running maximum of the raw ``v``.
    eps_placement : {"algorithm1", "eps_hat"}, default "algorithm1"
        Where eps enters the denominator, as in :class:`Adam`.
    """

    def __init__(
        self,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        eps_placement: str = "algorithm1",
    ):
        super().__init__(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         eps_placement=eps_placement, decoupled_weight_decay=True)
