# %% code mu-1
import numpy as np
import sympy as sp
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
import adamcode as ac
from adamcode import symbolic
from adamcode.chapters import beyond_adam as beyond
from adamcode.muon import adjusted_lr, newton_schulz
from adamcode.plotting import figure
from adamcode.tables import fmt, markdown_table

rng = np.random.default_rng(0)
g_grad = rng.standard_normal((6, 4)) @ np.diag([3.0, 1.0, 0.3, 0.1])        # a gradient matrix
U, s_G, Vt = np.linalg.svd(g_grad, full_matrices=False)
polar = U @ Vt                                                          # the steepest direction
best = -np.sum(g_grad * polar)                                               # <g_grad, -U V^T> = -sum of s_i
assert abs(best + s_G.sum()) < 1e-12 and abs(np.linalg.norm(polar, 2) - 1) < 1e-12
trials = []
for _ in range(2000):                                                   # random directions, spectral norm 1
    D = rng.standard_normal((6, 4))
    trials.append(np.sum(g_grad * D) / np.linalg.norm(D, 2))
sign_step = np.sign(g_grad) / np.linalg.norm(np.sign(g_grad), 2)                  # sign descent, rescaled to norm 1
assert min(trials) > best and -np.sum(g_grad * sign_step) > best
print(f"<g, D> with spectral norm 1: -U V^T gives {fmt(best, 4)} = -(sum of singular values); "
      f"best of 2000 random D: {fmt(-max(trials), 4)}; -sign(g) rescaled: {fmt(-np.sum(g_grad * sign_step), 4)}")
# %% code mu-2
def muon_step(theta, g, m, lr=0.02, beta=0.95, weight_decay=0.1, coefficients=(3.4445, -4.775, 2.0315), steps=5):
    m = beta * m + (1 - beta) * g                             # momentum, EMA form
    m_nes = beta * m + (1 - beta) * g                         # Nesterov: look one step further
    X = m_nes.T if m_nes.shape[0] > m_nes.shape[1] else m_nes # work with the wide orientation
    X = X / max(np.linalg.norm(X), 1e-7)                      # Frobenius norm: every s_i <= 1
    a1, a3, a5 = coefficients
    for _ in range(steps):
        A = X @ X.T
        X = a1 * X + (a3 * A + a5 * A @ A) @ X                # s -> a1 s + a3 s^3 + a5 s^5
    O = X.T if m_nes.shape[0] > m_nes.shape[1] else X
    n1, n2 = theta.shape
    return theta * (1 - lr * weight_decay) - lr * np.sqrt(max(1, n1 / n2)) * O, m

W_np = W_ac = rng.standard_normal((6, 4))
m_np = np.zeros((6, 4))
muon = ac.Muon(lr=0.02)
muon_state = muon.init(W_ac)
for _ in range(20):
    g_mat = rng.standard_normal((6, 4))
    W_np, m_np = muon_step(W_np, g_mat, m_np)
    W_ac, muon_state = muon.step(W_ac, g_mat, muon_state)
assert np.max(np.abs(W_np - W_ac)) < 1e-12 and np.max(np.abs(m_np - muon_state.m)) < 1e-12
print(f"20 steps on a 6 x 4 matrix: from-scratch and adamcode.Muon differ by < 1e-12; {muon}")
# %% code mu-3 hide-input
s_, u_ = sp.symbols("s u", positive=True)
a1, a3, a5 = sp.symbols("a_1 a_3 a_5", real=True)
X_sym = sp.diag(s_, u_)                                        # in the basis of the singular vectors
A_sym = X_sym * X_sym.T
step_sym = a1 * X_sym + (a3 * A_sym + a5 * A_sym * A_sym) * X_sym
assert (step_sym - sp.diag(a1 * s_ + a3 * s_**3 + a5 * s_**5, a1 * u_ + a3 * u_**3 + a5 * u_**5)).applyfunc(sp.expand) == sp.zeros(2, 2)
Om1 = sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]])
Om2 = sp.Matrix([[sp.Rational(5, 13), sp.Rational(12, 13)], [-sp.Rational(12, 13), sp.Rational(5, 13)]])
Y = Om1 * X_sym * Om2.T                                              # any matrix U S V^T (here 2 x 2)
stepY = a1 * Y + (a3 * Y * Y.T + a5 * (Y * Y.T) ** 2) * Y
assert (stepY - Om1 * step_sym * Om2.T).applyfunc(sp.expand) == sp.zeros(2, 2)   # the singular vectors stay
c1, c3, c5 = sp.symbols("c_1 c_3 c_5")
cubic = sp.solve([c1 + c3 - 1, c1 + 3 * c3], [c1, c3])                                      # p(1) = 1, p'(1) = 0
quintic = sp.solve([c1 + c3 + c5 - 1, c1 + 3 * c3 + 5 * c5, 6 * c3 + 20 * c5], [c1, c3, c5])  # and p''(1) = 0
assert cubic == {c1: sp.Rational(3, 2), c3: -sp.Rational(1, 2)}
assert quintic == {c1: sp.Rational(15, 8), c3: -sp.Rational(5, 4), c5: sp.Rational(3, 8)}
jordan = (sp.Rational(34445, 10000), sp.Rational(-4775, 1000), sp.Rational(20315, 10000))
p_j = symbolic.ns_polynomial(s_, jordan)
print(f"cubic: p(s) = {sp.sstr(cubic[c1] * s_ + cubic[c3] * s_**3)}; quintic: p(s) = "
      f"{sp.sstr(quintic[c1] * s_ + quintic[c3] * s_**3 + quintic[c5] * s_**5)}")
print(f"torch's quintic: p(1) = {p_j.subs(s_, 1)}, p'(0) = {sp.diff(p_j, s_).subs(s_, 0)}; "
      f"after five steps the slope at 0 is {fmt(float(jordan[0]) ** 5, 4)} (convergent quintic: {fmt(1.875 ** 5, 4)})")
# %% code mu-4 figure
s_grid = np.logspace(-4, 0, 400)
maps = {"$(a_1, a_3, a_5) = (3.4445, -4.775, 2.0315)$": (3.4445, -4.775, 2.0315), "$(15/8, -5/4, 3/8)$": (15 / 8, -5 / 4, 3 / 8)}
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
for ax, (title, coefficients) in zip(axes, maps.items()):
    ns_after = beyond.singular_value_map(s_grid, coefficients, 5)
    for k_steps in range(1, 6):
        ax.semilogx(s_grid, ns_after[k_steps], color=plt.cm.viridis(k_steps / 6), label=f"$k = {k_steps}$")
    ax.axhline(1, color="0.5", lw=0.8, ls="--")
    ax.set_title(title)
    ax.set_xlabel("$s$")
axes[0].set_ylabel(r"$\mathrm{ns}^{(k)}(s)$")
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()
# %% code mu-5
jordan_f = (3.4445, -4.775, 2.0315)
ns_after5 = beyond.singular_value_map(s_grid, jordan_f, 5)[5]
band = ns_after5[s_grid >= 1e-2]
assert 0.6 < band.min() and band.max() < 1.25
lowest = s_grid[np.argmax(ns_after5 > 0.5)]
print(f"after five steps: every s >= 1e-2 lands in [{fmt(band.min(), 2)}, {fmt(band.max(), 3)}]; "
      f"s reaches 0.5 from s = {fmt(lowest, 2)} up; the convergent quintic needs "
      f"s >= {fmt(s_grid[np.argmax(beyond.singular_value_map(s_grid, (15 / 8, -5 / 4, 3 / 8), 5)[5] > 0.5)], 2)}")
# %% code mu-6
x32 = np.float32([1.0, 1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-7 + 2**-9, np.pi])
print("float32:  " + "  ".join(f"{v:.10f}" for v in x32))
print("bfloat16: " + "  ".join(f"{v:.10f}" for v in beyond.bfloat16_round(x32)))
assert list(beyond.bfloat16_round(x32)[:3]) == [1.0, 1.0, 1 + 2**-6]               # ties to even
U_t, _ = np.linalg.qr(np.random.default_rng(7).standard_normal((32, 32)))
V_t, _ = np.linalg.qr(np.random.default_rng(8).standard_normal((48, 32)))
s_true = np.logspace(0, -4, 32)
G_t = U_t @ np.diag(s_true) @ V_t.T                                       # 32 x 48, s_i from 1 to 1e-4
sv = {"float64": np.linalg.svd(newton_schulz(G_t), compute_uv=False),
      "bfloat16": np.linalg.svd(beyond.newton_schulz_bfloat16(G_t).astype(float), compute_uv=False)}
sv_map = beyond.singular_value_map(s_true / np.linalg.norm(s_true), jordan_f, 5)[5]
assert np.max(np.abs(np.sort(sv_map)[::-1] - sv["float64"])) < 1e-10
bf_rows = [[precision, fmt(v.max(), 3), fmt(v[15], 2), fmt(v.min(), 2),
            fmt(np.sqrt(np.mean((v - sv["float64"]) ** 2)), 1)] for precision, v in sv.items()]
display(Markdown(markdown_table(["precision · 精度", "largest · 最大 $s_i$", "16th · 第 16 个", "smallest · 最小", "RMS change · RMS 变化"], bf_rows)))
# %% code mu-7 figure
fig, ax = figure()
ax.loglog(s_true / np.linalg.norm(s_true), sv["float64"], "o", ms=4, label="float64")
ax.loglog(s_true / np.linalg.norm(s_true), sv["bfloat16"], "x", ms=5, label="bfloat16")
ax.set_xlabel(r"$s_i(X_0)$")
ax.set_ylabel(r"$s_i(X_5)$")
ax.legend()
fig.tight_layout()
plt.show()
# %% code mu-8
n1s, n2s = sp.symbols("n_1 n_2", positive=True)
rms_rows = []
for shape in [(64, 256), (256, 64), (128, 128)]:
    O = newton_schulz(np.random.default_rng(1).standard_normal(shape), (15 / 8, -5 / 4, 3 / 8), 40)   # = U V^T
    rms = np.sqrt(np.mean(O**2))
    assert abs(rms - 1 / np.sqrt(max(shape))) < 1e-12                           # RMS(U V^T) = 1/sqrt(max)
    rms_rows.append([f"{shape[0]} × {shape[1]}", fmt(rms, 3)] +
                [fmt(adjusted_lr(1.0, fn, shape) * rms, 3) for fn in ("original", "match_rms_adamw")])
noise_g = np.random.default_rng(2).standard_normal((3000, 500))
adam_noise = ac.Adam(lr=1.0, eps=0.0)
params_noise, adam_state = np.zeros(500), adam_noise.init(np.zeros(500))
for g_vec in noise_g:
    params_new, adam_state = adam_noise.step(params_noise, g_vec, adam_state)
adam_rms = np.sqrt(np.mean((params_new - params_noise) ** 2))
display(Markdown(markdown_table(["shape · 形状", "RMS($UV^\\top$)", "update RMS · 更新 RMS / η, original", "update RMS · 更新 RMS / η, match_rms_adamw"], rms_rows)))
print(f"Adam (beta_1 = 0.9) on pure noise: update RMS / eta = {fmt(adam_rms, 2)}")
# %% code mu-9
two_layer = beyond.two_layer_linear()
lrs = {"Muon": [0.005, 0.01, 0.02, 0.05, 0.1], "AdamW": [0.005, 0.01, 0.02, 0.05, 0.1],
       "SGD (β = 0.9)": [0.1, 0.2, 0.5, 1.0]}
make = {"Muon": lambda lr: ac.Muon(lr=lr, weight_decay=0.0), "AdamW": lambda lr: ac.AdamW(lr=lr, weight_decay=0.0),
        "SGD (β = 0.9)": lambda lr: ac.SGD(lr=lr, momentum=0.9)}
steps_two_layer = 300
results = {}
for method in make:
    lr_runs = {lr: beyond.train_two_layer(make[method](lr), two_layer, steps_two_layer) for lr in lrs[method]}
    lr_best = min(lr_runs, key=lambda lr: lr_runs[lr][0][-1])
    results[method] = (lr_best, *lr_runs[lr_best])
def show(x):
    return "< 1e-8" if x < 1e-8 else fmt(x, 2)
display(Markdown(markdown_table(["method · 方法", "best · 最佳 η", "$t = 25$", "$t = 50$", "$t = 100$", "$t = 300$"],
    [[method, fmt(lr, 2)] + [show(losses[k]) for k in (25, 50, 100, 300)] for method, (lr, losses, _) in results.items()])))
# %% code mu-10 figure
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharey=True)
for ax, (method, (lr, _, modes)) in zip(axes, results.items()):
    for j in range(0, 16, 3):
        ax.plot(modes[:101, j] / two_layer.s[j], color=plt.cm.viridis(j / 16), label=f"$s = {fmt(two_layer.s[j], 2)}$")
    ax.set_title(f"{method}, $\\eta = {fmt(lr, 2)}$")
    ax.set_xlabel("$t$")
axes[0].set_ylabel("learnt / target")
axes[0].legend(fontsize=7)
fig.tight_layout()
plt.show()
# %% code mu-11
for not_a_matrix in (np.zeros(16), np.zeros((2, 3, 4))):
    try:
        ac.Muon().init(not_a_matrix)
    except ValueError as error:
        print(f"shape {not_a_matrix.shape}: ValueError: {error}")
# %% code mu-12 hide-input
beta_sym, g_s = sp.symbols("beta g", positive=True)
B_prev = sp.Symbol("B")                                         # torch's documented buffer (a sum)
m_prev = (1 - beta_sym) * B_prev                                    # the EMA of the code holds (1 - beta) times it
B_t = beta_sym * B_prev + g_s
m_t = beta_sym * m_prev + (1 - beta_sym) * g_s
assert sp.simplify(m_t - (1 - beta_sym) * B_t) == 0
assert sp.simplify((beta_sym * m_t + (1 - beta_sym) * g_s) - (1 - beta_sym) * (g_s + beta_sym * B_t)) == 0
print("code (EMA) = (1 - beta) x documentation (sum), for the buffer and the Nesterov direction: "
      "the division by the Frobenius norm removes the factor")
# %% code mu-ex1
rows = []
for shape in [(4096, 1024), (1024, 4096)]:
    for fn in ("original", "match_rms_adamw"):
        lr_used = adjusted_lr(1e-3, fn, shape)
        rows.append([f"{shape[0]} × {shape[1]}", fn, fmt(lr_used, 3), fmt(lr_used / np.sqrt(max(shape)), 2)])
display(Markdown(markdown_table(["shape · 形状", "adjust_lr_fn", "learning rate · 学习率", "update RMS · 更新 RMS"], rows)))
# %% code mu-ex2
rows = []
for steps in (3, 5, 10):
    after = beyond.singular_value_map(s_grid, jordan_f, steps)[steps]
    band = after[s_grid >= 1e-2]
    reach = s_grid[np.argmax(after > 0.5)] if after.max() > 0.5 else float("nan")
    rows.append([str(steps), f"[{fmt(band.min(), 2)}, {fmt(band.max(), 3)}]", fmt(reach, 2)])
display(Markdown(markdown_table(["ns_steps", "band · 区间, s ≥ 1e-2", "smallest s reaching 0.5 · 达到 0.5 的最小 s"], rows)))
# %% code mu-ex3
rng_r = np.random.default_rng(11)
Om1, _ = np.linalg.qr(rng_r.standard_normal((6, 6)))
Om2, _ = np.linalg.qr(rng_r.standard_normal((4, 4)))
G_r = rng_r.standard_normal((6, 4))
assert np.allclose(newton_schulz(Om1 @ G_r @ Om2.T), Om1 @ newton_schulz(G_r) @ Om2.T, atol=1e-12)
gaps = {}
for name, opt in (("Muon", ac.Muon(lr=0.02)), ("Adam", ac.Adam(lr=0.02))):
    zero = np.zeros((6, 4))
    step_G = opt.step(zero, G_r, opt.init(zero))[0]
    step_rot = opt.step(zero, Om1 @ G_r @ Om2.T, opt.init(zero))[0]
    gaps[name] = np.linalg.norm(step_rot - Om1 @ step_G @ Om2.T) / np.linalg.norm(step_rot)
assert gaps["Muon"] < 1e-12 and gaps["Adam"] > 0.1
print(f"|step(Om1 g Om2^T) - Om1 step(g) Om2^T| / |step|: Muon < 1e-12, Adam {fmt(gaps['Adam'], 2)}")
