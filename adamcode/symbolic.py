"""The book's update rules as SymPy expressions.

The chapters derive from these same rules that ``adamcode``'s numbers come from, and the tests
check that substituting numbers into them reproduces the numeric optimizers step for step.
Every function accepts SymPy symbols or plain numbers and works on one coordinate (a scalar
``theta``); every ``*_step`` returns a dict of expressions whose keys are the book's names
(and the state fields of the numeric optimizer), with ``"theta"`` the new parameter.

Steps are numbered from ``t = 1``. Where torch's rule treats the first step specially (SGD's
momentum buffer), ``t`` must be a number, or a symbol that then means a step ``t > 1``.

Derivation helpers: :func:`bias_correction`, :func:`ema_unrolled`, :func:`ema_weight_sum`,
:func:`adam_ratio_supremum`, :func:`momentum_iteration_matrix`,
:func:`heavy_ball_optimal_parameters`, :func:`nadam_mu`, :func:`linear_regression_loss`,
:func:`gradient_descent_error_matrix`, :func:`gradient_descent_optimal_parameters`,
:func:`nesterov_iteration_matrix`, :func:`ns_polynomial`, :func:`newton_schulz`. Whole-matrix rules
(their step depends on every coordinate): :func:`adafactor_step`, :func:`muon_step`. Other forms of momentum (chapter momentum): :func:`heavy_ball_step`
(source document 004's form) and :func:`sutskever_step` (Nesterov's look-ahead form).
"""
from __future__ import annotations

import sympy as sp


def _l2(g, theta, weight_decay):
    return g + weight_decay * theta


def _decay_and_moments(theta, g, m, v, lr, beta1, beta2, weight_decay, decoupled_weight_decay):
    """Weight decay (decoupled on ``theta`` or L2 into ``g``), then Adam's two moments (book, chapter
    adam, Eqs. (1)-(2)); shared by :func:`adam_step` and :func:`radam_step`."""
    if decoupled_weight_decay:
        theta = theta * (1 - lr * weight_decay)
    else:
        g = _l2(g, theta, weight_decay)
    return theta, g, beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g**2


def adam_step(theta, m, v, g, t, lr, beta1, beta2, eps, weight_decay=0, eps_placement="algorithm1",
              v_max=None, decoupled_weight_decay=False):
    """One Adam step (book, chapter adam) as a dict of SymPy expressions; ``lr`` is the book's eta.

    Keys: ``g`` (gradient with the L2 term), ``m``, ``v``, ``m_hat``, ``v_hat`` and ``theta``
    (the new parameter). ``eps_placement="eps_hat"`` gives Kingma and Ba's section-2 form (Keras's),
    ``theta - alpha_t * m / (sqrt(v) + eps_hat)`` with their step size
    ``alpha_t = eta*sqrt(1-beta2**t)/(1-beta1**t)``.
    Given the previous ``v_max``, the step is AMSGrad's (torch's form: ``v_max = Max(v_max, v)``
    of the raw ``v``, then ``v_hat = v_max / (1 - beta2**t)``) and the dict has a key ``v_max``.
    ``decoupled_weight_decay=True`` is AdamW (see :func:`adamw_step`).
    """
    theta, g, m_new, v_new = _decay_and_moments(theta, g, m, v, lr, beta1, beta2, weight_decay,
                                                decoupled_weight_decay)
    out = {"g": g, "m": m_new, "v": v_new}
    v_used = v_new
    if v_max is not None:
        v_used = out["v_max"] = sp.Max(v_max, v_new)
    m_hat = m_new / bias_correction(beta1, t)
    v_hat = v_used / bias_correction(beta2, t)
    if eps_placement == "algorithm1":
        theta_new = theta - lr * m_hat / (sp.sqrt(v_hat) + eps)
    elif eps_placement == "eps_hat":
        alpha_t = lr * sp.sqrt(bias_correction(beta2, t)) / bias_correction(beta1, t)
        theta_new = theta - alpha_t * m_new / (sp.sqrt(v_used) + eps)
    else:
        raise ValueError(f"Invalid eps_placement: eps_placement={eps_placement!r}")
    out.update(m_hat=m_hat, v_hat=v_hat, theta=theta_new)
    return out


def adamw_step(theta, m, v, g, t, lr, beta1, beta2, eps, weight_decay=sp.Rational(1, 100),
               v_max=None, eps_placement="algorithm1"):
    """One AdamW step: ``theta * (1 - lr * weight_decay)`` first, then Adam's step (no L2 term in ``g``).

    Same keys as :func:`adam_step`.
    """
    return adam_step(theta, m, v, g, t, lr, beta1, beta2, eps, weight_decay=weight_decay,
                     eps_placement=eps_placement, v_max=v_max, decoupled_weight_decay=True)


def sgd_step(theta, momentum_buffer, g, t, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
    """One step of torch.optim.SGD. Keys ``g``, ``momentum_buffer`` (``None`` without momentum), ``theta``.

    At ``t = 1`` the buffer becomes ``g`` (torch does not dampen the first step); afterwards
    ``b = momentum * b + (1 - dampening) * g``. The step direction is ``g + momentum * b`` with
    Nesterov, else ``b``.
    """
    g = _l2(g, theta, weight_decay)
    if momentum == 0:
        return {"g": g, "momentum_buffer": None, "theta": theta - lr * g}
    first = (not isinstance(t, sp.Basic) or t.is_number) and t == 1  # a symbolic t means t > 1
    buf = g if first else momentum * momentum_buffer + (1 - dampening) * g
    direction = g + momentum * buf if nesterov else buf
    return {"g": g, "momentum_buffer": buf, "theta": theta - lr * direction}


def momentum_step(theta, m, g, lr, beta, weight_decay=0):
    """One step of the EMA form of momentum: ``m = beta m + (1-beta) g``, ``theta - lr m`` (book, chapter momentum).

    Keys ``g``, ``m``, ``theta``, and ``v``, the former name of ``m`` (the same expression).
    """
    g = _l2(g, theta, weight_decay)
    m_new = beta * m + (1 - beta) * g
    return {"g": g, "m": m_new, "v": m_new, "theta": theta - lr * m_new}


def adagrad_step(theta, sum_sq, g, t, lr, lr_decay=0, weight_decay=0, eps=sp.Float("1e-10")):
    """One AdaGrad step (torch's form). Keys ``g``, ``lr_t`` (decayed lr), ``sum_sq``, ``theta``."""
    g = _l2(g, theta, weight_decay)
    lr_t = lr / (1 + (t - 1) * lr_decay)
    sum_new = sum_sq + g**2
    return {"g": g, "lr_t": lr_t, "sum_sq": sum_new, "theta": theta - lr_t * g / (sp.sqrt(sum_new) + eps)}


def rmsprop_step(theta, v, g, lr, alpha, eps, weight_decay=0, momentum=0, centered=False,
                 g_avg=None, momentum_buffer=None, eps_in_sqrt=False):
    """One RMSprop step (torch's form, no bias correction, eps after the square root; book, chapter rmsprop).

    ``alpha`` is torch's name for the decay rate the book writes beta2:
    ``v = beta2 v + (1 - beta2) g**2``; ``momentum`` is the coefficient beta.

    ``eps_in_sqrt=True`` puts eps inside the root, ``s = sqrt(v + eps)``: source document 004's form
    (book, chapter rmsprop).

    Keys ``g``, ``v`` (EMA of g**2), ``g_avg`` (``centered`` only, else ``None``), ``s`` (the
    denominator), ``momentum_buffer`` (``momentum != 0`` only, else ``None``) and ``theta``.
    """
    g = _l2(g, theta, weight_decay)
    v_new = alpha * v + (1 - alpha) * g**2
    g_avg_new = None
    if centered:
        g_avg_new = alpha * g_avg + (1 - alpha) * g
        square = v_new - g_avg_new**2
    else:
        square = v_new
    s = sp.sqrt(square + eps) if eps_in_sqrt else sp.sqrt(square) + eps
    buf = None
    if momentum != 0:
        buf = momentum * momentum_buffer + g / s
        theta_new = theta - lr * buf
    else:
        theta_new = theta - lr * g / s
    return {"g": g, "v": v_new, "g_avg": g_avg_new, "s": s, "momentum_buffer": buf, "theta": theta_new}


def adamax_step(theta, m, u, g, t, lr, beta1, beta2, eps, weight_decay=0):
    """One Adamax step (torch's form). Keys ``g``, ``m``, ``u`` (infinity norm), ``m_hat``, ``theta``.

    ``u = Max(beta2 * u, |g| + eps)`` is not bias-corrected; ``m_hat = m / (1 - beta1**t)``.
    """
    g = _l2(g, theta, weight_decay)
    m_new = beta1 * m + (1 - beta1) * g
    u_new = sp.Max(beta2 * u, sp.Abs(g) + eps)
    m_hat = m_new / bias_correction(beta1, t)
    return {"g": g, "m": m_new, "u": u_new, "m_hat": m_hat, "theta": theta - lr * m_hat / u_new}


def nadam_mu(beta1, momentum_decay, t):
    """NAdam's momentum schedule, the book's ``beta1_t = beta1 * (1 - 1/2 * 0.96**(t * psi))`` (Dozat's and torch's mu_t).

    ``psi`` is ``momentum_decay`` (book, chapter beyond-adam).
    """
    return beta1 * (1 - sp.Rational(1, 2) * sp.Rational(96, 100) ** (t * momentum_decay))


def nadam_step(theta, m, v, mu_product, g, t, lr, beta1, beta2, eps, weight_decay=0,
               momentum_decay=sp.Rational(4, 1000), decoupled_weight_decay=False):
    """One NAdam step (torch's form; book, chapter beyond-adam). ``mu_product`` is ``beta1_1 ... beta1_{t-1}``
    (1 before the first step), the product of the momentum schedule :func:`nadam_mu`.

    Keys ``g``, ``mu`` (beta1_t), ``mu_next`` (beta1_{t+1}), ``mu_product`` (now
    ``beta1_1 ... beta1_t``, written prod_t below), ``m``, ``v``, ``v_hat`` and ``theta``::

        theta - eta (1-beta1_t)/(1-prod_t) g/(sqrt(v_hat)+eps) - eta beta1_{t+1}/(1-prod_t beta1_{t+1}) m/(sqrt(v_hat)+eps)
    """
    if decoupled_weight_decay:
        theta = theta * (1 - lr * weight_decay)
    else:
        g = _l2(g, theta, weight_decay)
    mu = nadam_mu(beta1, momentum_decay, t)
    mu_next = nadam_mu(beta1, momentum_decay, t + 1)
    product = mu_product * mu
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    v_hat = v_new / bias_correction(beta2, t)
    denom = sp.sqrt(v_hat) + eps
    theta_new = (theta - lr * (1 - mu) / (1 - product) * g / denom
                 - lr * mu_next / (1 - product * mu_next) * m_new / denom)
    return {"g": g, "mu": mu, "mu_next": mu_next, "mu_product": product, "m": m_new, "v": v_new,
            "v_hat": v_hat, "theta": theta_new}


def lion_step(theta, m, g, lr, beta1, beta2, weight_decay=0):
    """One Lion step (Chen et al. 2023, Algorithm 2). Keys ``c``, ``theta``, ``m``.

    ``c = beta1 m + (1-beta1) g``; ``theta - lr (sign(c) + weight_decay * theta)``;
    ``m = beta2 m + (1-beta2) g``.
    """
    c = beta1 * m + (1 - beta1) * g
    theta_new = theta - lr * (sp.sign(c) + weight_decay * theta)
    return {"c": c, "theta": theta_new, "m": beta2 * m + (1 - beta2) * g}


def bias_correction(beta, t):
    """The factor ``1 - beta**t`` that Adam divides its moment estimates by (book, Adam, Eq. (7))."""
    return 1 - beta**t


def ema_unrolled(beta, x, t, i=None):
    """``(1 - beta) * Sum_{i=1}^{t} beta**(t-i) * x(i)``: an EMA started at zero, unrolled.

    ``x`` is a SymPy function of the step index (e.g. ``sp.Function("g")``).
    """
    i = sp.Symbol("i", integer=True, positive=True) if i is None else i
    return (1 - beta) * sp.Sum(beta ** (t - i) * x(i), (i, 1, t))


def ema_weight_sum(beta, t):
    """The total weight ``(1 - beta) * Sum_{i=1}^{t} beta**(t-i)`` an EMA started at zero gives its inputs."""
    i = sp.Symbol("i", integer=True, positive=True)
    return (1 - beta) * sp.Sum(beta ** (t - i), (i, 1, t))


def adam_ratio_supremum(beta1, beta2, t):
    """The largest ``|m_hat_t| / sqrt(v_hat_t)`` any gradient sequence can produce at step ``t``.

    By the Cauchy-Schwarz inequality (book, Adam, Eq. (14)),
    ``sqrt(1-beta2**t)/(1-beta1**t) * (1-beta1)/sqrt(1-beta2) * sqrt(Sum_{k=0}^{t-1} r**k)`` with
    ``r = beta1**2/beta2``; attained by gradients proportional to ``(beta1/beta2)**(t-i)``.
    """
    k = sp.Symbol("k", integer=True, nonnegative=True)
    r = beta1**2 / beta2
    total = sp.Sum(r**k, (k, 0, t - 1))
    return (sp.sqrt(bias_correction(beta2, t)) / bias_correction(beta1, t)
            * (1 - beta1) / sp.sqrt(1 - beta2) * sp.sqrt(total))


def momentum_iteration_matrix(lr, beta, lam, form="heavy_ball"):
    """The 2x2 matrix ``R`` of momentum on the quadratic ``lam/2 * e**2`` (book, momentum chapter, Eq. (11)).

    ``lam`` is the curvature (the book's ``h``, an eigenvalue of the Hessian). ``form="heavy_ball"``:
    torch's SGD with dampening 0 (``z = beta z + g``, ``e = e - lr z``), acting on the column
    ``(e_{t-1}, z_{t-1})``::

        [e_t]   [1 - lr*lam   -lr*beta] [e_{t-1}]
        [z_t] = [   lam          beta ] [z_{t-1}]

    ``form="ema"``: :class:`adamcode.Momentum` (``m = beta m + (1-beta) g``), on ``(c, m)``.
    The iteration converges iff both eigenvalues of ``R`` have modulus < 1; for the heavy-ball
    form that is ``0 < lr*lam < 2*(1 + beta)`` with ``0 <= beta < 1``.
    """
    if form == "heavy_ball":
        return sp.Matrix([[1 - lr * lam, -lr * beta], [lam, beta]])
    if form == "ema":
        return sp.Matrix([[1 - lr * (1 - beta) * lam, -lr * beta], [(1 - beta) * lam, beta]])
    raise ValueError(f"Invalid form: form={form!r} (must be 'heavy_ball' or 'ema')")


def heavy_ball_optimal_parameters(mu, L):
    """Polyak's optimal ``(lr, beta)`` for eigenvalues in ``[mu, L]`` (heavy-ball form).

    ``lr = 4 / (sqrt(L) + sqrt(mu))**2`` and ``beta = ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))**2``
    with ``kappa = L/mu``; every eigenvalue of :func:`momentum_iteration_matrix` then has
    modulus ``sqrt(beta)``.
    """
    kappa = L / mu
    lr = 4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2
    beta = ((sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)) ** 2
    return lr, beta


def linear_regression_loss(x, y, w, b):
    """The mean squared error ``(1/N) Sum (w x_i + b - y_i)**2`` of source document 002's problem, symbolically."""
    n = len(x)
    return sp.Rational(1, n) * sum((w * xi + b - yi) ** 2 for xi, yi in zip(x, y))


def gradient_descent_error_matrix(lr, H):
    """The matrix ``I - lr H`` that one gradient-descent step applies to the error on a quadratic.

    For ``f(theta) = 1/2 (theta - theta*)^T H (theta - theta*)`` (and for source document 002's linear
    regression, whose Hessian is constant) the step ``theta - lr * H (theta - theta*)`` gives
    ``e_t = (I - lr H) e_{t-1}`` with ``e = theta - theta*`` (book, gradient descent chapter).
    Each eigencomponent of ``e`` is multiplied by ``1 - lr * lambda_i``, so the iteration
    converges for every start iff ``0 < lr < 2 / lambda_max``. ``H`` is a square SymPy matrix
    (or anything ``sympy.Matrix`` accepts).
    """
    H = sp.Matrix(H)
    if H.rows != H.cols or H.rows == 0:
        raise ValueError(f"Invalid H: H.shape={H.shape} (must be a non-empty square matrix)")
    return sp.eye(H.rows) - lr * H


def gradient_descent_optimal_parameters(mu, L):
    """The best fixed learning rate of gradient descent for eigenvalues in ``[mu, L]``, and its rate.

    The error factor of eigenvalue ``lambda`` is ``|1 - lr * lambda|``; the largest over
    ``[mu, L]`` is ``max(|1 - lr mu|, |1 - lr L|)``, smallest when ``1 - lr mu = lr L - 1``::

        lr   = 2 / (L + mu)
        rate = (L - mu) / (L + mu) = (kappa - 1) / (kappa + 1),   kappa = L / mu

    (book, gradient descent chapter; Nesterov 2004, Theorem 2.1.15). Returns ``(lr, rate)``.
    Numbers must satisfy ``0 < mu <= L``.
    """
    for name, value in (("mu", mu), ("L", L)):
        value = sp.sympify(value)
        if value.is_positive is False or (value.is_number and not value.is_finite):
            raise ValueError(f"Invalid {name}: {name}={value!r} (must be a finite number > 0)")
    if (sp.sympify(L) - sp.sympify(mu)).is_negative:
        raise ValueError(f"Invalid eigenvalue range: mu={mu!r}, L={L!r} (need mu <= L)")
    return 2 / (L + mu), (L - mu) / (L + mu)


def heavy_ball_step(theta, V, g, lr, beta):
    """One step of the heavy-ball form of source document 004 (book, momentum chapter, Eq. (1)). Keys ``g``, ``V``, ``theta``.

    ``V = beta * V + lr * g`` and ``theta - V`` (source document 004 writes gamma for the momentum
    coefficient beta): the learning rate multiplies the gradient
    *inside* the velocity (Sutskever et al. 2013, Keras), whereas torch.optim.SGD applies it to
    the buffer on the way out (:func:`sgd_step`). With a constant ``lr`` both give the same
    parameters, with ``V = lr * momentum_buffer``; under a learning-rate schedule they differ.
    """
    V_new = beta * V + lr * g
    return {"g": g, "V": V_new, "theta": theta - V_new}


def sutskever_step(theta, v, grad, lr, momentum):
    """One step of Sutskever et al.'s (2013) Nesterov momentum (book, momentum chapter).

    ``grad`` is a callable returning the gradient at a point (a Python function or a SymPy
    ``Function``/``Lambda``): the gradient is taken at the look-ahead point ``theta + momentum*v``::

        v      <- momentum * v - lr * grad(theta + momentum * v)
        theta  <- theta + v

    Keys ``lookahead`` (the point the gradient was taken at), ``g``, ``v`` and ``theta``.
    Sutskever's velocity is ``v = -V`` of the book's heavy-ball form and his momentum the book's
    ``beta``. torch.optim.SGD(nesterov=True) runs the same iteration on the look-ahead points
    ``theta + momentum * v``, with buffer ``-v / lr`` (proved in the chapter, Eq. (21)).
    """
    if not callable(grad):
        raise ValueError(f"Invalid grad: grad={grad!r} (must be a callable returning the gradient at a point)")
    lookahead = theta + momentum * v
    g = grad(lookahead)
    v_new = momentum * v - lr * g
    return {"lookahead": lookahead, "g": g, "v": v_new, "theta": theta + v_new}


def nesterov_iteration_matrix(lr, momentum, lam):
    """The 2x2 matrix of torch's Nesterov SGD on ``lam/2 * c**2`` (book, momentum chapter, Eq. (22)).

    On the column ``(e_{t-1}, z_{t-1})``, with ``z = momentum * z + g`` and
    ``c = c - lr * (g + momentum * z)``::

        [e_t]   [1 - lr*lam*(1 + momentum)   -lr*momentum**2] [e_{t-1}]
        [z_t] = [          lam                   momentum   ] [z_{t-1}]

    Its characteristic polynomial is
    ``s**2 - (1 + momentum)(1 - lr*lam) s + momentum (1 - lr*lam)``.
    """
    return sp.Matrix([[1 - lr * lam * (1 + momentum), -lr * momentum**2], [lam, momentum]])


def radam_rho(beta2, t):
    """RAdam's ``(rho_inf, rho_t)``: the maximum length of the approximated SMA and its value at step ``t``.

    ``rho_inf = 2/(1-beta2) - 1`` and ``rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)``
    (Liu et al. 2020, Eqs. (5)-(6); book, chapter schedules).
    """
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf, rho_inf - 2 * t * beta2**t / bias_correction(beta2, t)


def radam_rectification(rho_inf, rho_t):
    """RAdam's rectification term ``r_t = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t))``."""
    return sp.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def radam_step(theta, m, v, g, t, lr, beta1, beta2, eps, weight_decay=0, decoupled_weight_decay=False,
               threshold=5):
    """One RAdam step (torch's form, book, chapter schedules). Keys ``g``, ``m``, ``v``, ``m_hat``,
    ``rho_inf``, ``rho_t``, ``r`` and ``theta``.

    ``theta - lr m_hat r_t sqrt(1-beta2**t)/(sqrt(v)+eps)`` if ``rho_t > threshold`` (torch: 5,
    the paper's Algorithm 2: 4), else ``theta - lr m_hat``. With a numeric ``t`` the branch is
    decided; with a symbolic ``t`` the result is a ``Piecewise``.
    """
    theta, g, m_new, v_new = _decay_and_moments(theta, g, m, v, lr, beta1, beta2, weight_decay,
                                                decoupled_weight_decay)
    m_hat = m_new / bias_correction(beta1, t)
    rho_inf, rho_t = radam_rho(beta2, t)
    r = radam_rectification(rho_inf, rho_t)
    rectified = theta - lr * m_hat * r * sp.sqrt(bias_correction(beta2, t)) / (sp.sqrt(v_new) + eps)
    plain = theta - lr * m_hat
    condition = sp.sympify(rho_t) > threshold
    if condition in (sp.true, sp.false):
        theta_new = rectified if condition == sp.true else plain
    else:
        theta_new = sp.Piecewise((rectified, condition), (plain, True))
    return {"g": g, "m": m_new, "v": v_new, "m_hat": m_hat, "rho_inf": rho_inf, "rho_t": rho_t, "r": r,
            "theta": theta_new}


def adadelta_step(theta, v, d, g, lr, rho, eps, weight_decay=0):
    """One Adadelta step (torch's form, Zeiler 2012; book, chapter schedules). Keys ``g``, ``v``, ``delta``, ``d``, ``theta``.

    ``v = rho v + (1-rho) g**2``; ``delta = sqrt(d + eps)/sqrt(v + eps) g``;
    ``d = rho d + (1-rho) delta**2``; ``theta - lr delta``. ``rho`` is the book's beta2.
    """
    g = _l2(g, theta, weight_decay)
    v_new = rho * v + (1 - rho) * g**2
    delta = sp.sqrt(d + eps) / sp.sqrt(v_new + eps) * g
    d_new = rho * d + (1 - rho) * delta**2
    return {"g": g, "v": v_new, "delta": delta, "d": d_new, "theta": theta - lr * delta}


def _matrix_rms(M):
    """The root mean square of the entries of a SymPy matrix."""
    return sp.sqrt(sum(x**2 for x in M) / len(M))


def adafactor_step(theta, g, t, v=None, v_row=None, v_col=None, lr=sp.Rational(1, 100),
                   beta2_decay=sp.Rational(-4, 5), eps1=sp.Rational(1, 2**52), eps2=sp.Rational(1, 1000),
                   d=1, weight_decay=0, beta1=None, m=None, factored=None):
    """One Adafactor step (torch's form; book, memory-and-speed) on SymPy matrices ``theta`` and ``g``.

    Unlike the other ``*_step`` functions it acts on the whole parameter, because its step size
    and its clipping use the parameters' and the update's RMS. ``factored`` defaults to "both
    dimensions > 1": a matrix keeps the row factor ``v_row`` (a column of ``n1`` entries) and the
    column factor ``v_col`` (a row of ``n2``), a vector (``n x 1`` or ``1 x n``) the full ``v``.
    ``eps1`` defaults to float64's machine epsilon ``2**-52``, as torch's ``eps=(None, ...)``.

    Keys ``beta2_t`` (``1 - t**beta2_decay``), ``eta_t`` (:math:`\\min(\\eta, 1/\\sqrt t)`), ``step_size``,
    ``v_row``, ``v_col``, ``v`` (``None`` where not kept), ``v_tilde`` (the estimate of the second
    moment the step divides by), ``xi``, ``xi_hat`` (the book's :math:`U_t` and the clipped :math:`\\hat U_t`), ``m`` (``beta1`` given, else ``None``)
    and ``theta``.
    """
    theta, g = sp.Matrix(theta), sp.Matrix(g)
    n1, n2 = theta.shape
    if factored is None:
        factored = n1 > 1 and n2 > 1
    beta2_t = 1 - t**beta2_decay
    eta_t = sp.Min(lr, 1 / sp.sqrt(t))
    step_size = sp.Max(eps2, _matrix_rms(theta)) * eta_t
    theta = theta * (1 - lr * weight_decay)
    g2 = g.applyfunc(lambda x: x**2)
    out = {"beta2_t": beta2_t, "eta_t": eta_t, "step_size": step_size, "v_row": None, "v_col": None, "v": None}
    if factored:
        row_mean = sp.Matrix(n1, 1, lambda i, _: sum(g2[i, j] for j in range(n2)) / n2)
        col_mean = sp.Matrix(1, n2, lambda _, j: sum(g2[i, j] for i in range(n1)) / n1)
        v_row = beta2_t * sp.Matrix(v_row).reshape(n1, 1) + (1 - beta2_t) * row_mean
        v_col = beta2_t * sp.Matrix(v_col).reshape(1, n2) + (1 - beta2_t) * col_mean
        scale = sp.Max(sum(v_row) / n1, eps1)
        v_tilde = (v_row * v_col) / scale
        out.update(v_row=v_row, v_col=v_col)
    else:
        v_tilde = out["v"] = beta2_t * sp.Matrix(v).reshape(n1, n2) + (1 - beta2_t) * g2
    xi = g.multiply_elementwise(v_tilde.applyfunc(lambda x: 1 / sp.sqrt(sp.Max(x, eps1**2))))
    xi_hat = xi / sp.Max(1, _matrix_rms(xi) / d)
    direction = xi_hat
    if beta1 is not None:
        direction = beta1 * sp.Matrix(m).reshape(n1, n2) + (1 - beta1) * xi_hat
    out.update(v_tilde=v_tilde, xi=xi, xi_hat=xi_hat, m=direction if beta1 is not None else None,
               theta=theta - step_size * direction)
    return out


def ns_polynomial(s, coefficients=(sp.Rational(34445, 10000), sp.Rational(-4775, 1000), sp.Rational(20315, 10000))):
    """The odd quintic ``a1 s + a3 s**3 + a5 s**5`` one Newton-Schulz step applies to each singular value.

    Default coefficients: torch.optim.Muon's ``(3.4445, -4.775, 2.0315)`` as exact rationals
    (book, beyond-adam).
    """
    a1, a3, a5 = coefficients
    return a1 * s + a3 * s**3 + a5 * s**5


def newton_schulz(X, coefficients=(sp.Rational(34445, 10000), sp.Rational(-4775, 1000), sp.Rational(20315, 10000)),
                  steps=5, eps=sp.Rational(1, 10**7)):
    """Muon's Newton-Schulz iteration on a SymPy matrix (torch's algorithm, without the bfloat16 cast).

    ``X / Max(||X||_F, eps)``, then ``steps`` times ``X <- a1 X + (a3 A + a5 A**2) X`` with
    ``A = X X^T``; a tall matrix is transposed first and back at the end.
    """
    X = sp.Matrix(X)
    tall = X.rows > X.cols
    if tall:
        X = X.T
    X = X / sp.Max(sp.sqrt(sum(x**2 for x in X)), eps)
    a1, a3, a5 = coefficients
    for _ in range(steps):
        A = X * X.T
        X = a1 * X + (a3 * A + a5 * A * A) * X
    return X.T if tall else X


def muon_step(theta, m, g, lr, momentum, weight_decay=sp.Rational(1, 10), nesterov=True,
              ns_coefficients=(sp.Rational(34445, 10000), sp.Rational(-4775, 1000), sp.Rational(20315, 10000)),
              ns_steps=5, eps=sp.Rational(1, 10**7), adjust_lr_fn=None):
    """One Muon step (torch's form, without the bfloat16 cast; book, beyond-adam) on SymPy matrices.

    Keys ``m`` (the momentum, :math:`\\beta m + (1-\\beta) g`), ``m_tilde`` (what is orthogonalized:
    :math:`\\beta m_t + (1-\\beta) g` with Nesterov, else ``m``), ``O`` (:func:`newton_schulz` of
    ``m_tilde``), ``lr_adjusted`` and ``theta``.
    """
    theta, m, g = sp.Matrix(theta), sp.Matrix(m), sp.Matrix(g)
    m_new = momentum * m + (1 - momentum) * g
    m_tilde = momentum * m_new + (1 - momentum) * g if nesterov else m_new
    O = newton_schulz(m_tilde, ns_coefficients, ns_steps, eps)
    n1, n2 = theta.shape
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        lr_adjusted = lr * sp.sqrt(sp.Max(1, sp.Rational(n1, n2)))
    elif adjust_lr_fn == "match_rms_adamw":
        lr_adjusted = lr * sp.Rational(1, 5) * sp.sqrt(max(n1, n2))
    else:
        raise ValueError(f"Invalid adjust_lr_fn: adjust_lr_fn={adjust_lr_fn!r}")
    theta_new = theta * (1 - lr * weight_decay) - lr_adjusted * O
    return {"m": m_new, "m_tilde": m_tilde, "O": O, "lr_adjusted": lr_adjusted, "theta": theta_new}
