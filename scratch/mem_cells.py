# %% code mem-1
import numpy as np
import sympy as sp
import adamcode as ac
from adamcode import problems, symbolic
from adamcode.chapters import memory_and_speed as memory
from adamcode.plotting import figure
from adamcode.tables import fmt, markdown_table
from IPython.display import Markdown, display
import matplotlib.pyplot as plt

def adafactor_matrix_step(theta, g, t, v_row, v_col, lr=1e-2, nu=-0.8, eps1=1e-30, eps2=1e-3, d=1.0):
    beta2_t = 1 - t**nu                                      # 0 at t = 1
    eta_t = min(lr, 1 / np.sqrt(t))                          # relative step size
    step_size = eta_t * max(eps2, np.sqrt(np.mean(theta**2)))
    v_row = beta2_t * v_row + (1 - beta2_t) * np.mean(g**2, axis=1)     # n1 numbers
    v_col = beta2_t * v_col + (1 - beta2_t) * np.mean(g**2, axis=0)     # n2 numbers
    v_tilde = np.outer(v_row, v_col) / max(np.mean(v_row), eps1)        # Eq. (adafactor-v)
    u = g / np.sqrt(np.maximum(v_tilde, eps1**2))
    u_hat = u / max(1.0, np.sqrt(np.mean(u**2)) / d)         # clip the update's RMS at d
    return theta - step_size * u_hat, v_row, v_col

iris = problems.softmax_regression()
theta_start = 0.1 * np.random.default_rng(0).standard_normal((5, 3))   # a 5 x 3 matrix: W and the bias row
theta_np = theta_ac = theta_start
v_row, v_col = np.zeros(5), np.zeros(3)
adafactor = ac.Adafactor(eps=(1e-30, 1e-3))
af_state = adafactor.init(theta_ac)
for step_no in range(1, 51):
    theta_np, v_row, v_col = adafactor_matrix_step(theta_np, iris.grad(theta_np), step_no, v_row, v_col)
    theta_ac, af_state = adafactor.step(theta_ac, iris.grad(theta_ac), af_state)
gap = np.max(np.abs(theta_np - theta_ac))
assert gap < 1e-12
print(f"50 steps on Iris: from-scratch and adamcode.Adafactor differ by < 1e-12 (state: v_row {af_state.v_row.shape}, "
      f"v_col {af_state.v_col.shape}, v {af_state.v}); loss {fmt(iris.loss(theta_start), 4)} -> {fmt(iris.loss(theta_ac), 3)}")
# %% code mem-2 hide-input
n1, n2, s_b = sp.symbols("n_1 n_2 s", positive=True)
factored = s_b * (n1 + n2) / (n1 * n2)                       # Eq. (adafactor-bytes), without beta_1
with_beta1 = s_b + factored                                  # one more full array, m
af_rows = []
for shape in [(5, 3), (256, 512), (1024, 1024), (4096,)]:
    measured_af = memory.state_bytes_per_param_of_shape(ac.Adafactor(), shape, np.float32)
    measured_af_m = memory.state_bytes_per_param_of_shape(ac.Adafactor(beta1=0.9), shape, np.float32)
    if len(shape) == 2:
        exact_af = factored.subs({n1: shape[0], n2: shape[1], s_b: 4})
        assert abs(measured_af - exact_af) < 1e-15 and abs(measured_af_m - with_beta1.subs({n1: shape[0], n2: shape[1], s_b: 4})) < 1e-15
    else:                                                    # a vector keeps the full v
        exact_af = sp.Integer(4)
        assert measured_af == 4 and measured_af_m == 8
    af_rows.append([" × ".join(map(str, shape)), fmt(float(exact_af), 4), fmt(float(exact_af) + 4, 4), fmt(8 / float(exact_af), 4)])
display(Markdown(markdown_table(["shape · 形状", "Adafactor (B / param · 字节/参数)", "with β₁ · 有 β₁", "Adam / Adafactor"], af_rows)))
# %% code mem-3 hide-input
V = sp.Matrix(2, 2, sp.symbols("v_11 v_12 v_21 v_22", positive=True))
def factored_estimate(V):
    n1, n2 = V.shape
    row = [sum(V[i, :]) / n2 for i in range(n1)]             # v_row: means over each row
    col = [sum(V[:, j]) / n1 for j in range(n2)]             # v_col: means over each column
    return sp.Matrix(n1, n2, lambda i, j: row[i] * col[j] / (sum(row) / n1))
diff = (factored_estimate(V) - V).applyfunc(sp.factor)
V_sum = sum(V)
assert all(sp.simplify(diff[i, j] - (-1) ** (i + j + 1) * V.det() / V_sum) == 0 for i in range(2) for j in range(2))
a_sym = sp.Matrix(sp.symbols("a_1:4", positive=True))
b_sym = sp.Matrix(sp.symbols("b_1:5", positive=True))
rank_one = a_sym * b_sym.T                                           # 3 x 4, v_ij = a_i b_j
assert (factored_estimate(rank_one) - rank_one).applyfunc(sp.simplify) == sp.zeros(3, 4)
print("2 x 2: v_tilde - v = ±det(v) / sum(v) in every entry; a rank-1 v = a b^T (3 x 4) is reproduced exactly")
# %% code mem-4
def second_moments(grads, nu=-0.8):
    """Adam's full v and Adafactor's factored estimate, with Adafactor's beta2_t, for a list of gradients."""
    v, v_row, v_col = 0, 0, 0
    for t, g in enumerate(grads, start=1):
        beta2_t = 1 - t**nu
        v = beta2_t * v + (1 - beta2_t) * g**2
        v_row = beta2_t * v_row + (1 - beta2_t) * np.mean(g**2, axis=1)
        v_col = beta2_t * v_col + (1 - beta2_t) * np.mean(g**2, axis=0)
    return v, np.outer(v_row, v_col) / np.mean(v_row)

theta_path, af_state = [theta_start], adafactor.init(theta_start)
for _ in range(200):
    theta_next, af_state = adafactor.step(theta_path[-1], iris.grad(theta_path[-1]), af_state)
    theta_path.append(theta_next)
grads = [iris.grad(th) for th in theta_path[:-1]]
v_full, v_fact = second_moments(grads)
rel = np.abs(v_fact - v_full) / v_full
rng = np.random.default_rng(0)
a_vec, b_vec = rng.uniform(0.5, 2, 5), rng.uniform(0.5, 2, 3)
v1_full, v1_fact = second_moments([rng.standard_normal() * np.outer(a_vec, b_vec) for _ in range(200)])
assert np.max(np.abs(v1_fact - v1_full) / v1_full) < 1e-12
print(f"Iris, 200 Adafactor steps: factored v / full v per entry from {fmt(np.min(v_fact / v_full), 2)} "
      f"to {fmt(np.max(v_fact / v_full), 2)}; Frobenius error {fmt(np.linalg.norm(v_fact - v_full) / np.linalg.norm(v_full), 2)}")
print("gradients c_t * outer(a, b) (squares rank 1 at every step): error < 1e-12")
def train_iris(optimizer, steps=300, flatten=False):
    theta = theta_start.reshape(-1) if flatten else theta_start
    state = optimizer.init(theta)
    for _ in range(steps):
        theta, state = optimizer.step(theta, iris.grad(theta.reshape(5, 3)).reshape(theta.shape), state)
    return iris.loss(theta.reshape(5, 3))
losses_iris = {"factored (5 × 3)": train_iris(ac.Adafactor(lr=0.1)), "full v (15)": train_iris(ac.Adafactor(lr=0.1), flatten=True)}
print("Adafactor(lr=0.1), 300 steps on Iris: " + ", ".join(f"{k}: loss {fmt(v, 3)}" for k, v in losses_iris.items()))
# %% code mem-5
signed, unsigned = memory.dynamic_map(signed=True), memory.dynamic_map(signed=False)
pos = unsigned[unsigned > 0]
spacing = np.diff(pos) / pos[1:]                             # relative gap to the next smaller value
linear = np.linspace(-1, 1, 256)
print("\n".join([
    f"signed map: {len(signed)} values in [{fmt(signed.min(), 4)}, {fmt(signed.max(), 4)}], "
    f"{np.sum(signed < 0)} negative, {np.sum(signed > 0)} positive, smallest |value| {fmt(np.min(np.abs(signed[signed != 0])), 3)}",
    f"unsigned map: {len(unsigned)} values in [0, 1], smallest positive {fmt(pos.min(), 3)}",
    f"relative gap near 1: {fmt(spacing[-1], 2)}; near 1e-3: {fmt(spacing[np.argmin(np.abs(pos[1:] - 1e-3))], 2)}; "
    f"a linear 8-bit grid on [-1, 1]: step {fmt(linear[1] - linear[0], 3)}, so 1e-3 rounds to 0",
]))
assert len(np.unique(signed)) == len(np.unique(unsigned)) == 256 and unsigned.min() == 0
# %% code mem-6 figure
fig, ax = figure()
ax.semilogx(pos, np.arange(1, len(pos) + 1), ".", ms=3, label="dynamic_map(signed=False), $v$")
ax.semilogx(signed[signed > 0], np.arange(1, np.sum(signed > 0) + 1), ".", ms=3, label="dynamic_map(signed=True), $m$")
ax.semilogx(linear[linear > 0], np.arange(1, np.sum(linear > 0) + 1), ".", ms=3, label="linspace(-1, 1, 256)")
ax.set_xlabel(r"$|x| \,/\, \max|x|$")
ax.set_ylabel("#")
ax.legend()
fig.tight_layout()
plt.show()
# %% code mem-7
def adam_states(n=2**14, steps=500, seed=0):
    """Adam's float32 m and v after `steps` steps on a noisy least-squares problem with n parameters."""
    rng = np.random.default_rng(seed)
    scales = np.exp(rng.uniform(-3, 3, n)).astype(np.float32)          # gradient scales over 2.6 decades
    target = rng.standard_normal(n).astype(np.float32)
    adam = ac.Adam(lr=1e-2)
    theta = np.zeros(n, dtype=np.float32)
    state = adam.init(theta)
    for _ in range(steps):
        g = scales * (theta - target + 0.5 * rng.standard_normal(n).astype(np.float32))
        theta, state = adam.step(theta, g, state)
    return state.m, state.v

m32, v32 = adam_states()
q_rows = []
for block in (2048, 256, m32.size):
    errs = []
    for moment, code in ((m32, signed), (v32, unsigned)):
        back = memory.dequantize_blockwise(*memory.quantize_blockwise(moment, code, block), code, block)
        errs += [np.linalg.norm(back - moment) / np.linalg.norm(moment), np.median(np.abs(back - moment) / np.abs(moment))]
    bytes_pp = memory.state_bytes_per_param_of_shape(memory.Adam8bit(block=block), (m32.size,))
    q_rows.append([str(block) if block < m32.size else f"{block} (one block)", fmt(bytes_pp, 4)] + [fmt(e, 2) for e in errs])
display(Markdown(markdown_table(["block · 块大小", "B / param · 字节/参数", "$m$: ‖error‖/‖m‖ · 范数误差", "$m$: median rel. · 相对误差中位数", "$v$: ‖error‖/‖v‖ · 范数误差", "$v$: median rel. · 相对误差中位数"], q_rows)))
# %% code mem-8
def train_quadratic(optimizer, spread, n=2**13, steps=400, seed=1):
    """Mean of 0.5 * scale * (theta - target)**2 after each step; gradient scales exp(U(-spread, spread)), noisy."""
    rng = np.random.default_rng(seed)
    scales = np.exp(rng.uniform(-spread, spread, n)).astype(np.float32)
    target = rng.standard_normal(n).astype(np.float32)
    theta = np.zeros(n, dtype=np.float32)
    state = optimizer.init(theta)
    losses = []
    for _ in range(steps):
        g = scales * (theta - target + 0.5 * rng.standard_normal(n).astype(np.float32))
        theta, state = optimizer.step(theta, g, state)
        losses.append(0.5 * np.mean(scales * (theta - target) ** 2))
    return np.array(losses)

methods_8bit = {"Adam, float32": ac.Adam(lr=1e-2), "Adam8bit(block=2048)": memory.Adam8bit(lr=1e-2),
                "Adam8bit(block=256)": memory.Adam8bit(lr=1e-2, block=256)}
runs_8bit = {spread: {name: train_quadratic(method, spread) for name, method in methods_8bit.items()} for spread in (0.0, 3.0)}
spread_rows = []
for spread, spread_runs in runs_8bit.items():
    base = np.mean(spread_runs["Adam, float32"][-100:])
    spread_rows.append([fmt(spread, 2)] + [f"{fmt(np.mean(r[-100:]), 2)} ({fmt(np.mean(r[-100:]) / base, 2)}×)" for r in spread_runs.values()])
display(Markdown(markdown_table(["spread · 尺度范围"] + list(methods_8bit), spread_rows)))
# %% code mem-9 figure
fig, ax = figure()
for (name, losses), style in zip(runs_8bit[3.0].items(), ("-", "--", ":")):
    ax.semilogy(np.arange(1, len(losses) + 1), losses, ls=style, label=name)
ax.set_xlabel("$t$")
ax.set_ylabel(r"$\mathcal{L}(\theta_t)$")
ax.legend()
fig.tight_layout()
plt.show()
# %% code mem-10
bytes_rows = memory.bytes_table()
mixed_row = next(r for r in bytes_rows if r["name"] == "Adam, mixed precision")
assert (mixed_row["K"], mixed_row["total"], mixed_row["baseline"]) == (12, 16, 120)
assert round(mixed_row["os"], 1) == 31.4 and round(mixed_row["os_g"], 1) == 16.6 and round(mixed_row["os_g_p"], 2) == 1.88
display(Markdown(markdown_table(
    ["method · 方法", "state · 状态 (B / param)", "$K$", "total · 总计 (B / param)", "GB, no sharding · 不分片", "$P_{os}$", "$P_{os+g}$", "$P_{os+g+p}$"],
    [[r["name"], fmt(r["state"], 4), fmt(r["K"], 4), fmt(r["total"], 4), fmt(r["baseline"], 4), fmt(r["os"], 3),
      fmt(r["os_g"], 3), fmt(r["os_g_p"], 3)] for r in bytes_rows])))
# %% code mem-ex1
llama = {n1: 4096, n2: 11008, s_b: 4}
llama_bytes, llama_bytes_m = factored.subs(llama), with_beta1.subs(llama)
print(f"4096 x 11008: {fmt(float(llama_bytes), 4)} bytes per parameter (Adam / Adafactor = {fmt(8 / float(llama_bytes), 4)}); "
      f"with beta_1: {fmt(float(llama_bytes_m), 4)}")
assert abs(float(llama_bytes) - 4 * (4096 + 11008) / (4096 * 11008)) < 1e-15
# %% code mem-ex2
block_rows = []
for block in (64, 256, 2048, 2**13):
    key = f"Adam8bit(block={block})"
    losses = runs_8bit[3.0][key] if key in runs_8bit[3.0] else train_quadratic(memory.Adam8bit(lr=1e-2, block=block), 3.0)
    block_rows.append([str(block), fmt(memory.state_bytes_per_param_of_shape(memory.Adam8bit(block=block), (2**13,)), 4),
                 fmt(np.mean(losses[-100:]), 2)])
block_rows.append(["float32", "8", fmt(np.mean(runs_8bit[3.0]["Adam, float32"][-100:]), 2)])
display(Markdown(markdown_table(["block · 块大小", "B / param · 字节/参数", "loss · 损失"], block_rows)))
# %% code mem-ex3
V3 = np.random.default_rng(3).uniform(0.1, 1, (3, 4))
est = np.outer(V3.sum(axis=1), V3.sum(axis=0)) / V3.sum()
assert np.allclose(est.sum(axis=1), V3.sum(axis=1)) and np.allclose(est.sum(axis=0), V3.sum(axis=0))
assert np.linalg.matrix_rank(est) == 1 and not np.allclose(est, V3)
a3, b4 = np.random.default_rng(4).uniform(0.1, 1, 3), np.random.default_rng(5).uniform(0.1, 1, 4)
R1 = np.outer(a3, b4)
assert np.allclose(np.outer(R1.sum(axis=1), R1.sum(axis=0)) / R1.sum(), R1)
print("row and column sums kept; rank 1; exact for a b^T")
