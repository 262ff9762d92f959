T = {}
T["B1"] = (r"""## Muon: orthogonalized momentum for weight matrices

Every method so far treats the parameters as a list of numbers. Muon (Jordan et al.
{cite:p}`jordan2024muon`) is for the weight matrices of a network's hidden layers, and uses that
they are matrices. Write the gradient of an $n_1\times n_2$ matrix as $g = U S V^\top$ (singular
values $s_1 \ge s_2 \ge \dots \ge 0$ on the diagonal of $S$). A gradient step moves each singular direction in proportion to
its $s_i$, and in practice a few directions dominate. Muon moves all of them by the same amount: its
step is (approximately) $-\eta\, U V^\top$.

This is steepest descent when the size of a step is measured by its spectral norm $\lVert\Delta\rVert_2$,
the largest factor by which $\Delta$ can stretch a vector, and so the largest change that $\Delta$ can
cause in the layer's output $\theta x$ for an input of a given size (Bernstein and Newhouse
{cite:p}`bernstein2024oldoptimizer`):

$$
\min_{\lVert\Delta\rVert_2 \le \eta}\ \langle g, \Delta\rangle = -\eta \sum_i s_i, \qquad
\text{attained at}\quad \Delta = -\eta\, U V^\top .
$$ (@L@-beyond-adam-muon-steepest)

Indeed $\langle g, \Delta\rangle = \sum_i s_i\, (U^\top \Delta V)_{ii}$ and every diagonal entry of
$U^\top \Delta V$ lies in $[-\lVert\Delta\rVert_2, \lVert\Delta\rVert_2]$. The cell compares $-UV^\top$ with
2000 random directions and with the sign of $g$ (Lion's direction, and Adam's first step),
all scaled to spectral norm 1, on a $6\times 4$ gradient with singular values 3, 1, 0.3, 0.1:""",
r"""## Muon：对权重矩阵正交化的动量

前面各方法都把参数看作一串数。Muon（Jordan 等 {cite:p}`jordan2024muon`）用于网络隐藏层的权重矩阵，并利用了它们是矩阵这一点。
把 $n_1\times n_2$ 矩阵的梯度写成 $g = U S V^\top$（$S$ 的对角线上是奇异值 $s_1 \ge s_2 \ge \dots \ge 0$）。梯度步使每个奇异方向按其
$s_i$ 成比例地移动，而实际中往往少数几个方向占主导。Muon 让所有方向移动同样的量：它的一步（近似地）是 $-\eta\, U V^\top$。

如果用谱范数 $\lVert\Delta\rVert_2$ 衡量一步的大小，这正是最速下降。谱范数是 $\Delta$ 能把一个向量拉长的最大倍数，
因而也是对给定大小的输入，$\Delta$ 能使这一层的输出 $\theta x$ 改变的最大量（Bernstein 和 Newhouse
{cite:p}`bernstein2024oldoptimizer`）：

$$
\min_{\lVert\Delta\rVert_2 \le \eta}\ \langle g, \Delta\rangle = -\eta \sum_i s_i, \qquad
\text{在}\quad \Delta = -\eta\, U V^\top \quad\text{处取到} .
$$ (@L@-beyond-adam-muon-steepest)

事实上 $\langle g, \Delta\rangle = \sum_i s_i\, (U^\top \Delta V)_{ii}$，而 $U^\top \Delta V$ 的每个对角元都在
$[-\lVert\Delta\rVert_2, \lVert\Delta\rVert_2]$ 之内。下面的单元格在奇异值为 3、1、0.3、0.1 的 $6\times 4$ 梯度上，
把 $-UV^\top$ 与 2000 个随机方向以及 $g$ 的符号（Lion 的方向，也是 Adam 第一步的方向）相比较，
它们都缩放到谱范数 1：""")

T["B2"] = (r"""No direction of spectral norm 1 decreases the linearized loss faster than $-UV^\top$ (10.25 against at
best 7.2 for the random ones and 6.6 for the sign). Muon computes this direction from its momentum,
not from the raw gradient. With $\beta$ = `momentum` (default 0.95), one step of `torch.optim.Muon`
is

$$
m_t = \beta m_{t-1} + (1-\beta)\, g_t, \qquad
\tilde m_t = \beta m_t + (1-\beta)\, g_t, \qquad
O_t = \operatorname{NS}_5(\tilde m_t) \approx U V^\top \ \ (\tilde m_t = U S V^\top), \qquad
\theta_t = (1-\eta\lambda)\,\theta_{t-1} - \eta\, \chi(n_1, n_2)\, O_t ,
$$ (@L@-beyond-adam-muon)

where $\tilde m_t$ is the Nesterov combination (`nesterov=True`, the default; otherwise $\tilde m_t = m_t$),
$\operatorname{NS}_5$ five steps of the Newton–Schulz iteration below, $\lambda$ = `weight_decay`
(default 0.1, decoupled as in AdamW) and $\chi(n_1, n_2)$ the shape factor of `adjust_lr_fn`. A dozen
lines of NumPy, next to `adamcode.Muon`, which has torch's arguments and defaults:""",
r"""在谱范数为 1 的方向中，没有哪个比 $-UV^\top$ 更快地减小线性化的损失（10.25，随机方向最好只有 7.2，符号方向为 6.6）。
Muon 从动量而不是原始梯度计算这个方向。记 $\beta$ = `momentum`（默认 0.95），`torch.optim.Muon` 的一步是

$$
m_t = \beta m_{t-1} + (1-\beta)\, g_t, \qquad
\tilde m_t = \beta m_t + (1-\beta)\, g_t, \qquad
O_t = \operatorname{NS}_5(\tilde m_t) \approx U V^\top \ \ (\tilde m_t = U S V^\top), \qquad
\theta_t = (1-\eta\lambda)\,\theta_{t-1} - \eta\, \chi(n_1, n_2)\, O_t ,
$$ (@L@-beyond-adam-muon)

其中 $\tilde m_t$ 是 Nesterov 组合（`nesterov=True`，默认；否则 $\tilde m_t = m_t$），$\operatorname{NS}_5$ 是下面的 Newton–Schulz
迭代的五步，$\lambda$ = `weight_decay`（默认 0.1，与 AdamW 一样是解耦的），$\chi(n_1, n_2)$ 是 `adjust_lr_fn` 的形状因子。
下面是十几行 NumPy，与参数名和默认值都同 torch 的 `adamcode.Muon` 并排运行：""")

T["B3"] = (r"""### The Newton–Schulz iteration

An SVD per step would be slow on a GPU. Muon instead divides $\tilde m_t$ by its Frobenius norm, which makes
every singular value at most 1, and applies a few matrix products:

$$
X_0 = \frac{\tilde m_t}{\max(\lVert \tilde m_t\rVert_F,\ \epsilon)}, \qquad
X_{k+1} = a_1 X_k + a_3\, (X_k X_k^\top)\, X_k + a_5\, (X_k X_k^\top)^2 X_k .
$$ (@L@-beyond-adam-ns)

With $X_k = U S V^\top$ we have $X_k X_k^\top = U S^2 U^\top$, so $X_{k+1} = U\,(a_1 S + a_3 S^3 + a_5 S^5)\,V^\top$:
the singular vectors stay and each singular value goes through the odd polynomial

$$
\operatorname{ns}(s) = a_1 s + a_3 s^3 + a_5 s^5 .
$$ (@L@-beyond-adam-ns-poly)

To drive every $s \in (0, 1]$ to 1 one wants $\operatorname{ns}(1) = 1$ and $\operatorname{ns}'(1) = 0$. The
classical cubic ($a_5 = 0$) follows from these two conditions, the quintic with also
$\operatorname{ns}''(1) = 0$ from three. Jordan et al. chose instead $a_1 = 3.4445$, $a_3 = -4.775$,
$a_5 = 2.0315$ (torch's `ns_coefficients`): a slope at 0 as large as possible, so that small singular
values grow fast, at the price of $\operatorname{ns}(1) = 0.701$. The SymPy cell derives the map on the
singular values and the two classical polynomials:""",
r"""### Newton–Schulz 迭代

每步做一次 SVD 在 GPU 上太慢。Muon 改为先用 Frobenius 范数去除 $\tilde m_t$，使每个奇异值都不超过 1，再做几次矩阵乘法：

$$
X_0 = \frac{\tilde m_t}{\max(\lVert \tilde m_t\rVert_F,\ \epsilon)}, \qquad
X_{k+1} = a_1 X_k + a_3\, (X_k X_k^\top)\, X_k + a_5\, (X_k X_k^\top)^2 X_k .
$$ (@L@-beyond-adam-ns)

记 $X_k = U S V^\top$，则 $X_k X_k^\top = U S^2 U^\top$，于是 $X_{k+1} = U\,(a_1 S + a_3 S^3 + a_5 S^5)\,V^\top$：
奇异向量不变，每个奇异值经过奇多项式

$$
\operatorname{ns}(s) = a_1 s + a_3 s^3 + a_5 s^5 .
$$ (@L@-beyond-adam-ns-poly)

要把每个 $s \in (0, 1]$ 推向 1，需要 $\operatorname{ns}(1) = 1$、$\operatorname{ns}'(1) = 0$。经典的三次多项式（$a_5 = 0$）
由这两个条件得出，再加上 $\operatorname{ns}''(1) = 0$ 就得到五次多项式。Jordan 等则选了 $a_1 = 3.4445$、$a_3 = -4.775$、
$a_5 = 2.0315$（torch 的 `ns_coefficients`）：让 0 处的斜率尽量大，使小奇异值增长得快，代价是 $\operatorname{ns}(1) = 0.701$。
下面的 SymPy 单元格推导出对奇异值的映射和两个经典多项式：""")

T["B4"] = (r"""{numref}`@L@-fig-beyond-muon-ns` shows what five steps do to a singular value $s$ of $X_0$.""",
r"""{numref}`@L@-fig-beyond-muon-ns` 显示五步迭代对 $X_0$ 的一个奇异值 $s$ 的作用。""")

T["B5"] = (r"""After five steps every singular value from $10^{-2}$ up lies between 0.68 and 1.13, and values
down to $1.1\times10^{-3}$ reach 0.5, where the convergent quintic needs $s \ge 0.024$. So $O_t$ is not
exactly $UV^\top$ but $U S' V^\top$ with $S'$ in a band around 1; Jordan et al. found this does not hurt
training and saves steps.

### What bfloat16 changes

PyTorch runs the iteration in bfloat16: the first line of its Newton–Schulz function is
`grad.bfloat16()`. A bfloat16 number is the upper half of a float32 (8 exponent bits, 8 significant
bits), so each rounding errs by up to $2^{-9} \approx 0.2\,\%$. The book emulates it in NumPy
(`beyond.bfloat16_round`): take the float32 bit pattern, add `0x7FFF` plus the lowest bit that is
kept, and clear the low 16 bits; this rounds to the nearest bfloat16 number and a tie to the one with
an even last bit. `beyond.newton_schulz_bfloat16` rounds every matrix that torch stores (the input,
its norm, each product, which torch accumulates in float32). The tests check the rounding against
torch's own `bfloat16()` on 404 numbers including exact ties, and the emulated iteration against
torch's singular values (within $2\times 10^{-3}$), both recorded by
`tests/reference/make_torch_reference_adafactor_muon.py`. `adamcode.Muon` runs the iteration in the
parameters' dtype, and in float64 agrees with torch's algorithm with only the cast removed to
$10^{-12}$. Here is the rounding, and five steps on a $32\times 48$ matrix whose singular values run
from 1 to $10^{-4}$, in both precisions:""",
r"""五步之后，$10^{-2}$ 以上的每个奇异值都落在 0.68 到 1.13 之间，小到 $1.1\times10^{-3}$ 的值也能到达 0.5，而收敛的
五次多项式需要 $s \ge 0.024$。因此 $O_t$ 并不正好是 $UV^\top$，而是 $U S' V^\top$，$S'$ 落在 1 附近的一个带中；
Jordan 等发现这并不损害训练，还节省了迭代步数。

### bfloat16 改变了什么

PyTorch 在 bfloat16 中运行这一迭代：它的 Newton–Schulz 函数第一行就是 `grad.bfloat16()`。bfloat16 数是 float32 的高半部分
（8 位指数、8 位有效数字），每次舍入误差可达 $2^{-9} \approx 0.2\,\%$。本书用 NumPy 模拟它（`beyond.bfloat16_round`）：
取 float32 的位模式，加上 `0x7FFF` 与保留下来的最低位，再清零低 16 位；这就是舍入到最近的 bfloat16 数、恰在中间时取末位为偶数者。
`beyond.newton_schulz_bfloat16` 对 torch 存储的每个矩阵都做这种舍入（输入、它的范数、每个乘积；torch 以 float32 累加乘积）。
测试用 torch 自己的 `bfloat16()` 在 404 个数（包括恰在中间的数）上检查这一舍入，并把模拟的迭代与 torch 的奇异值相比较
（相差不超过 $2\times 10^{-3}$），两者都由 `tests/reference/make_torch_reference_adafactor_muon.py` 记录。
`adamcode.Muon` 在参数的数据类型中运行迭代；在 float64 中，它与只去掉了这次类型转换的 torch 算法相差不超过 $10^{-12}$。
下面是舍入的例子，以及在奇异值从 1 到 $10^{-4}$ 的 $32\times 48$ 矩阵上两种精度下的五步迭代：""")

T["B6"] = (r"""The large singular values come out the same in both precisions. The small ones do not: bfloat16's
rounding errors form a matrix of relative size about $2^{-9}$ whose own singular values the
iteration amplifies like any other small singular value, so the smallest ends near 0.07 instead of
0.03 ({numref}`@L@-fig-beyond-muon-bf16`). For Muon this is harmless: the result is meant to be only
roughly $UV^\top$, and the directions with tiny $s_i$ carry little of the gradient.

### The learning-rate conventions

For a full-rank $n_1\times n_2$ matrix, $UV^\top$ has $\min(n_1, n_2)$ singular values equal to 1, so
its root mean square entry is

$$
\operatorname{RMS}(UV^\top) = \sqrt{\frac{\min(n_1, n_2)}{n_1 n_2}} = \frac{1}{\sqrt{\max(n_1, n_2)}} ,
$$ (@L@-beyond-adam-muon-rms)

and the same $\eta$ would move the entries of a large matrix less than those of a small one.
`adjust_lr_fn` rescales: `"original"` (Jordan et al., torch's default) multiplies $\eta$ by
$\sqrt{\max(1, n_1/n_2)}$, which gives every matrix the update RMS $\eta/\sqrt{n_2}$ (torch stores a
layer's weight as output × input, so $n_2$ is the input dimension); `"match_rms_adamw"` (Liu et al.
{cite:p}`liu2025muon`) multiplies by $0.2\sqrt{\max(n_1, n_2)}$, which gives every matrix the update RMS
$0.2\,\eta$, about that of AdamW's update, so that the learning rate and weight decay tuned for
AdamW can be reused. The cell measures both on exact $UV^\top$ (the convergent quintic, 40 steps)
and Adam's update RMS on pure noise:""",
r"""大奇异值在两种精度下结果相同，小奇异值则不同：bfloat16 的舍入误差构成一个相对大小约为 $2^{-9}$ 的矩阵，迭代会像放大其他小奇异值一样
放大它自己的奇异值，于是最小的奇异值最终约为 0.07，而不是 0.03（{numref}`@L@-fig-beyond-muon-bf16`）。对 Muon 这无关紧要：
结果本来就只要求大致等于 $UV^\top$，而 $s_i$ 很小的方向只携带梯度的很少一部分。

### 学习率的约定

对满秩的 $n_1\times n_2$ 矩阵，$UV^\top$ 有 $\min(n_1, n_2)$ 个等于 1 的奇异值，因此其元素的均方根为

$$
\operatorname{RMS}(UV^\top) = \sqrt{\frac{\min(n_1, n_2)}{n_1 n_2}} = \frac{1}{\sqrt{\max(n_1, n_2)}} ,
$$ (@L@-beyond-adam-muon-rms)

同一个 $\eta$ 让大矩阵的元素比小矩阵的移动得少。`adjust_lr_fn` 对此重新缩放：`"original"`（Jordan 等，torch 的默认）把 $\eta$
乘以 $\sqrt{\max(1, n_1/n_2)}$，使每个矩阵的更新 RMS 为 $\eta/\sqrt{n_2}$（torch 把一层的权重存为“输出 × 输入”，所以 $n_2$
是输入维数）；`"match_rms_adamw"`（Liu 等 {cite:p}`liu2025muon`）乘以 $0.2\sqrt{\max(n_1, n_2)}$，使每个矩阵的更新 RMS
为 $0.2\,\eta$，与 AdamW 的更新大致相当，从而可以沿用为 AdamW 调好的学习率和权重衰减。下面的单元格在精确的 $UV^\top$
（收敛的五次多项式，40 步）上量出两种约定，并量出 Adam 在纯噪声上的更新 RMS：""")

T["B7"] = (r"""With `"original"` the update RMS is $\eta/\sqrt{n_2}$: 0.0625 for $64\times256$, 0.125 for
$256\times64$. With `"match_rms_adamw"` it is $0.2\,\eta$ for every shape, close to Adam's 0.22 on
noise (the Lion section's $\sqrt{(1-\beta_1)/(1+\beta_1)} = 0.229$). The two conventions differ by
a factor of 3.2 to 6.4 on these shapes, so a learning rate tuned for one must not be used with
the other.

### Muon against AdamW on a small matrix problem

A linear network with one hidden layer is the smallest problem where Muon's view of matrices
matters: fit $\Theta_2 \Theta_1$ to a $16\times 16$ target $\Theta^\star$ whose singular values run from 1 to $10^{-2}$,
$\mathcal{L} = \tfrac12\lVert \Theta_2 \Theta_1 - \Theta^\star\rVert_F^2$, from a small random start (entries of size
$10^{-3}$; `beyond.two_layer_linear`). Each method trains both matrices for 300 steps with its
learning rate decayed linearly to 0, no weight decay, and the learning rate that gives the
lowest final loss on a grid (`beyond.train_two_layer`):""",
r"""用 `"original"` 时更新 RMS 为 $\eta/\sqrt{n_2}$：$64\times256$ 为 0.0625，$256\times64$ 为 0.125。用
`"match_rms_adamw"` 时每种形状都是 $0.2\,\eta$，接近 Adam 在噪声上的 0.22（Lion 一节的
$\sqrt{(1-\beta_1)/(1+\beta_1)} = 0.229$）。两种约定在这些形状上相差 3.2 到 6.4 倍，所以为一种约定调好的学习率不能用于另一种。

### 在一个小矩阵问题上比较 Muon 与 AdamW

有一个隐藏层的线性网络是体现 Muon 矩阵观点的最小问题：把 $\Theta_2 \Theta_1$ 拟合到奇异值从 1 到 $10^{-2}$ 的 $16\times 16$ 目标
$\Theta^\star$，$\mathcal{L} = \tfrac12\lVert \Theta_2 \Theta_1 - \Theta^\star\rVert_F^2$，从很小的随机初值出发（元素大小为 $10^{-3}$；`beyond.two_layer_linear`）。
每种方法训练两个矩阵 300 步，学习率线性衰减到 0，不用权重衰减，学习率取网格上最终损失最低者（`beyond.train_two_layer`）：""")

T["B8"] = (r"""On this small, noiseless problem AdamW is the fastest, and Muon, at its best learning rate, the
slowest in the first 100 steps; after 300 steps all three are within $10^{-8}$ of the target. What Muon does
differently shows in {numref}`@L@-fig-beyond-muon-modes`, which follows how much of each singular
direction of $\Theta^\star$ the product $\Theta_2\Theta_1$ has learnt. Gradient descent learns the directions one after
the other, the strongest first: a direction's gradient is proportional to its singular value. Muon's
orthogonalized step grows all directions at the same rate, so the weak directions, which need to
travel least, arrive first. The gains that Jordan et al. and Liu et al. report (fewer steps to a
given loss when training transformers, about half the compute of AdamW in Liu et al.'s runs) are
measured on large networks with noisy minibatch gradients; this small problem neither confirms nor
refutes them.""",
r"""在这个小而无噪声的问题上，AdamW 最快；Muon 取其最佳学习率时，前 100 步最慢；300 步后三者与目标的差距都在 $10^{-8}$ 以内。
Muon 的不同之处见 {numref}`@L@-fig-beyond-muon-modes`：图中跟踪乘积 $\Theta_2\Theta_1$ 学到了 $\Theta^\star$ 的每个奇异方向的多少。梯度下降
按从强到弱的顺序一个接一个地学习这些方向，因为一个方向的梯度与其奇异值成正比。Muon 正交化后的一步让所有方向以相同的速度增长，
所以需要走的路最短的弱方向最先到达。Jordan 等和 Liu 等报告的收益（训练 Transformer 时达到同样损失所需的步数更少；在 Liu 等的实验中
约为 AdamW 一半的计算量）是在带小批量噪声的大网络上测得的；这个小问题既不能证实也不能否定它们。""")

T["B9"] = (r"""### Where Muon is not used

Muon is for the two-dimensional weight matrices of hidden layers. A bias or the gain of a
normalization layer is a vector with no matrix structure to orthogonalize; torch refuses any
parameter that is not 2-D when the optimizer is built, and `adamcode.Muon` refuses it in `init` and
`step`:""",
r"""### 不使用 Muon 的地方

Muon 用于隐藏层的二维权重矩阵。偏置或归一化层的增益是向量，没有可正交化的矩阵结构；torch 在构造优化器时拒绝任何非二维参数，
`adamcode.Muon` 在 `init` 和 `step` 中拒绝它：""")

T["B10"] = (r"""Embedding tables and the output layer are matrices, but Jordan et al. and Liu et al. train them
with AdamW too. One reason for embeddings: their input is a one-hot token, so each row is the
parameter vector of one token and is updated only when that token occurs; orthogonalizing the
update would mix the rows of unrelated tokens. For the output layer AdamW simply worked better in their experiments.
The usual recipe is therefore two optimizers: Muon for the hidden matrices, AdamW for everything
else (the example in torch's documentation does exactly this).""",
r"""嵌入表和输出层也是矩阵，但 Jordan 等和 Liu 等同样用 AdamW 训练它们。对嵌入层，一个原因是：它的输入是独热编码的词元，每一行是一个词元的参数向量，
只有该词元出现时才更新；对更新做正交化会把不相关词元的行混在一起。对输出层，他们的实验中 AdamW 就是效果更好。
因此通常的做法是用两个优化器：隐藏层矩阵用 Muon，其余一切用 AdamW（torch 文档中的示例正是如此）。""")

T["B11"] = (r"""- **PyTorch's Muon documentation and its code.** `torch.optim.Muon`'s docstring writes the
  buffer as a sum, $B_t = \beta B_{t-1} + g_t$ (with $\mu$ for our $\beta$); its code keeps the moving
  average $m_t = \beta m_{t-1} + (1-\beta) g_t$ (`buf.lerp_(grad, 1 - momentum)`). Started from zero,
  $m_t = (1-\beta)B_t$, and the Nesterov direction is $(1-\beta)$ times the documented $g_t + \beta B_t$.
  Since the Newton–Schulz iteration first divides by the Frobenius norm, the factor cancels and the
  update is the same (up to the floor $\epsilon$; SymPy checks the factor in the cell below);
  `adamcode.Muon` follows the code.""",
r"""- **PyTorch 的 Muon 文档与代码。** `torch.optim.Muon` 的文档字符串把缓冲区写成求和 $B_t = \beta B_{t-1} + g_t$
  （用 $\mu$ 表示我们的 $\beta$）；它的代码保存的是移动平均 $m_t = \beta m_{t-1} + (1-\beta) g_t$（`buf.lerp_(grad, 1 - momentum)`）。
  从零开始时 $m_t = (1-\beta)B_t$，Nesterov 方向也是文档中 $g_t + \beta B_t$ 的 $(1-\beta)$ 倍。Newton–Schulz 迭代先除以
  Frobenius 范数，这个因子被约去，更新相同（除下限 $\epsilon$ 外；下面的单元格用 SymPy 验证这个因子）；`adamcode.Muon` 遵循代码。""")

FIG = {
 "mu-4": (r"What $k = 1, \dots, 5$ Newton–Schulz steps do to a singular value $s$ of $X_0$ (Eq. {eq}`@L@-beyond-adam-ns-poly` applied $k$ times). Left: torch's coefficients $(a_1, a_3, a_5) = (3.4445, -4.775, 2.0315)$; right: the convergent quintic $(15/8, -5/4, 3/8)$. Dashed: 1.",
          "Two panels of five curves on a logarithmic s axis from 1e-4 to 1. With torch's coefficients the curves rise steeply and after five steps everything above 1e-2 lies in a band between about 0.7 and 1.1; the convergent quintic rises slowly and approaches 1 only for s above about 0.1.",
          r"$k = 1, \dots, 5$ 步 Newton–Schulz 迭代对 $X_0$ 的一个奇异值 $s$ 的作用（公式 {eq}`@L@-beyond-adam-ns-poly` 复合 $k$ 次）。左：torch 的系数 $(a_1, a_3, a_5) = (3.4445, -4.775, 2.0315)$；右：收敛的五次多项式 $(15/8, -5/4, 3/8)$。虚线：1。",
          "两幅图，各有五条曲线，横轴为 1e-4 到 1 的对数刻度 s。torch 的系数使曲线陡升，五步后 1e-2 以上的值都落在约 0.7 到 1.1 的带中；收敛的五次多项式上升缓慢，只有 s 大于约 0.1 时才接近 1。",
          "beyond-muon-ns"),
 "mu-7": (r"Singular values after five Newton–Schulz steps (torch's coefficients) of a $32\times48$ matrix with singular values from 1 to $10^{-4}$, against the singular values of $X_0$ (the input divided by its Frobenius norm): in float64 (adamcode.Muon's iteration) and in bfloat16 (torch's, emulated in NumPy with round-to-nearest-even to 8 significant bits).",
          "Log-log scatter: for inputs above about 2e-3 both precisions give the same values, between 0.7 and 1.2; below that the bfloat16 values are larger, the smallest 0.07 against 0.03 in float64.",
          r"奇异值从 1 到 $10^{-4}$ 的 $32\times48$ 矩阵经过五步 Newton–Schulz 迭代（torch 的系数）后的奇异值，横轴为 $X_0$（输入除以其 Frobenius 范数）的奇异值：float64（adamcode.Muon 的迭代）与 bfloat16（torch 的迭代，用 NumPy 以舍入到最近、恰在中间取偶、8 位有效数字模拟）。",
          "双对数散点图：输入大于约 2e-3 时两种精度给出相同的值，在 0.7 到 1.2 之间；更小的输入在 bfloat16 中得到的值更大，最小的为 0.07，而 float64 中为 0.03。",
          "beyond-muon-bf16"),
 "mu-10": (r"How much of each singular direction of the target $\Theta^\star$ the product $\Theta_2 \Theta_1$ has learnt (the $i$-th diagonal entry of $U^\top \Theta_2 \Theta_1 V$ over $s_i$, where $\Theta^\star = U S V^\top$; six of the sixteen directions, $s_i$ from 1 to 0.01) in the first 100 of 300 steps, for Muon, AdamW and SGD with momentum $\beta = 0.9$ at the learning rates of the table, decayed linearly to 0; $16\times16$ target, start of size $10^{-3}$, no weight decay.",
          "Three panels. With SGD the strong directions reach 1 first and the weakest is still far from it at step 100; with Muon the weak directions arrive first, overshoot a little, and the strongest is last; AdamW swings widely in the first 20 steps and has all directions near 1 by about step 60.",
          r"乘积 $\Theta_2 \Theta_1$ 学到了目标 $\Theta^\star$ 的每个奇异方向的多少（$U^\top \Theta_2 \Theta_1 V$ 的第 $i$ 个对角元除以 $s_i$，其中 $\Theta^\star = U S V^\top$；16 个方向中的 6 个，$s_i$ 从 1 到 0.01），300 步中的前 100 步；Muon、AdamW 和动量 0.9 的 SGD，学习率取表中的值并线性衰减到 0；$16\times16$ 目标，初值大小 $10^{-3}$，无权重衰减。",
          "三幅图。SGD 先让强方向达到 1，最弱的方向到第 100 步仍远未达到；Muon 先让弱方向到达，略有超调，最强的方向最后到达；AdamW 在前 20 步大幅摆动，约到第 60 步所有方向都接近 1。",
          "beyond-muon-modes"),
}

T["S"] = (r"""- Muon orthogonalizes the (Nesterov) momentum of each weight matrix, $O_t \approx U V^\top$ (Eq.
  {eq}`@L@-beyond-adam-muon`): steepest descent under the spectral norm (Eq.
  {eq}`@L@-beyond-adam-muon-steepest`). Five Newton–Schulz steps with torch's quintic map every
  singular value from $10^{-2}$ up into $[0.68, 1.13]$ (Eqs. {eq}`@L@-beyond-adam-ns`–{eq}`@L@-beyond-adam-ns-poly`);
  in bfloat16 the large values are unchanged and the smallest end higher.
- `adjust_lr_fn` sets the update RMS: $\eta/\sqrt{n_2}$ with `"original"`, $0.2\,\eta$ with
  `"match_rms_adamw"` (Eq. {eq}`@L@-beyond-adam-muon-rms`). Muon is for hidden 2-D matrices only;
  biases, gains, embeddings and the output layer stay with AdamW.""",
r"""- Muon 对每个权重矩阵的（Nesterov）动量做正交化，$O_t \approx U V^\top$（公式 {eq}`@L@-beyond-adam-muon`）：这是谱范数下的
  最速下降（公式 {eq}`@L@-beyond-adam-muon-steepest`）。用 torch 的五次多项式做五步 Newton–Schulz 迭代，把 $10^{-2}$ 以上的每个奇异值
  映射到 $[0.68, 1.13]$ 之内（公式 {eq}`@L@-beyond-adam-ns`–{eq}`@L@-beyond-adam-ns-poly`）；在 bfloat16 中，大奇异值不变，最小的奇异值偏大。
- `adjust_lr_fn` 决定更新的 RMS：`"original"` 为 $\eta/\sqrt{n_2}$，`"match_rms_adamw"` 为 $0.2\,\eta$（公式 {eq}`@L@-beyond-adam-muon-rms`）。
  Muon 只用于隐藏层的二维矩阵；偏置、增益、嵌入和输出层仍用 AdamW。""")

EX = [
 ("ex-muon-lr", r"""```{exercise}
:label: @L@-beyond-adam-ex-muon-lr

★ `torch.optim.Muon(lr=1e-3)` trains a $4096\times1024$ and a $1024\times4096$ matrix. What learning
rate does it apply to each with `adjust_lr_fn="original"` and with `"match_rms_adamw"`, and what is
the update RMS in each case?
```""", r"""```{exercise}
:label: @L@-beyond-adam-ex-muon-lr

★ `torch.optim.Muon(lr=1e-3)` 训练一个 $4096\times1024$ 矩阵和一个 $1024\times4096$ 矩阵。用 `adjust_lr_fn="original"` 和
`"match_rms_adamw"` 时，它对每个矩阵实际用的学习率是多少？更新的 RMS 各是多少？
```""", "mu-ex1",
 r"""`"original"` multiplies by $\sqrt{\max(1, n_1/n_2)}$: $2\times10^{-3}$ for the tall matrix,
$10^{-3}$ for the wide one; both updates have the RMS $\eta/\sqrt{n_2}$, $3.1\times10^{-5}$ and
$1.6\times10^{-5}$. `"match_rms_adamw"` multiplies by $0.2\sqrt{4096} = 12.8$ for both, and both
updates have the RMS $2\times10^{-4} = 0.2\,\eta$.""",
 r"""`"original"` 乘以 $\sqrt{\max(1, n_1/n_2)}$：高矩阵为 $2\times10^{-3}$，宽矩阵为 $10^{-3}$；两者的更新 RMS 都是 $\eta/\sqrt{n_2}$，
分别为 $3.1\times10^{-5}$ 和 $1.6\times10^{-5}$。`"match_rms_adamw"` 对两者都乘以 $0.2\sqrt{4096} = 12.8$，两者的更新 RMS
都是 $2\times10^{-4} = 0.2\,\eta$。"""),
 ("ex-ns-steps", r"""```{exercise}
:label: @L@-beyond-adam-ex-ns-steps

★★ (coding) Change `ns_steps` from 5 to 3 and to 10 with torch's coefficients
(`beyond.singular_value_map`). Where do the singular values from $10^{-2}$ up end, and from which
$s$ on does a value reach 0.5? Why would one not simply take many steps?
```""", r"""```{exercise}
:label: @L@-beyond-adam-ex-ns-steps

★★（编程）在 torch 的系数下把 `ns_steps` 从 5 改为 3 和 10（`beyond.singular_value_map`）。$10^{-2}$ 以上的奇异值最后落在哪里？
从多大的 $s$ 起能达到 0.5？为什么不干脆多迭代几步？
```""", "mu-ex2",
 r"""With three steps the values from $10^{-2}$ up spread over $[0.4, 1.2]$ and only $s \ge 0.013$
reaches 0.5; with ten the band is the same as with five, $[0.68, 1.13]$, and every value of the
grid down to $10^{-4}$ reaches 0.5. The polynomial does not converge to 1, so more steps do not
narrow the band; each step costs three matrix products, which for large matrices dominate the
optimizer's time.""",
 r"""三步时 $10^{-2}$ 以上的值分布在 $[0.4, 1.2]$，只有 $s \ge 0.013$ 能达到 0.5；十步时带与五步相同，为 $[0.68, 1.13]$，
网格上小到 $10^{-4}$ 的每个值都能达到 0.5。这个多项式并不收敛到 1，所以步数再多也不会使带变窄；而每一步要做三次矩阵乘法，
对大矩阵这占了优化器的主要时间。"""),
 ("ex-rotation", r"""```{exercise}
:label: @L@-beyond-adam-ex-rotation

★★★ Show that the Newton–Schulz iteration commutes with rotations: for orthogonal $\Omega_1$, $\Omega_2$,
$\operatorname{NS}_k(\Omega_1 X \Omega_2^\top) = \Omega_1 \operatorname{NS}_k(X)\, \Omega_2^\top$. Conclude that one Muon step
from $\theta_0 = 0$ on the gradient $\Omega_1 g \Omega_2^\top$ is the rotated step on $g$, and check that one
Adam step is not.
```""", r"""```{exercise}
:label: @L@-beyond-adam-ex-rotation

★★★ 证明 Newton–Schulz 迭代与旋转可交换：对正交矩阵 $\Omega_1$、$\Omega_2$，$\operatorname{NS}_k(\Omega_1 X \Omega_2^\top) = \Omega_1 \operatorname{NS}_k(X)\, \Omega_2^\top$。
由此说明从 $\theta_0 = 0$ 出发、在梯度 $\Omega_1 g \Omega_2^\top$ 上的一步 Muon 就是在 $g$ 上那一步的旋转，并验证一步 Adam 不是这样。
```""", "mu-ex3",
 r"""The Frobenius norm is unchanged by rotations, and with $Y = \Omega_1 X \Omega_2^\top$ we have
$Y Y^\top = \Omega_1 X X^\top \Omega_1^\top$, so each term of Eq. {eq}`@L@-beyond-adam-ns` is rotated the same
way; by induction so is every iterate. Muon's momentum is linear in the gradients, so the whole step
rotates. Adam divides each entry by its own $\sqrt{\hat v}$, and rotating the gradient mixes the
entries: its first step is $-\eta\operatorname{sign}(g)$, and the sign of a rotated matrix is not the
rotated sign.""",
 r"""旋转不改变 Frobenius 范数；记 $Y = \Omega_1 X \Omega_2^\top$，则 $Y Y^\top = \Omega_1 X X^\top \Omega_1^\top$，所以公式 {eq}`@L@-beyond-adam-ns`
中的每一项都同样被旋转，由归纳法每个迭代值也是如此。Muon 的动量对梯度是线性的，所以整个一步都随之旋转。Adam 把每个元素除以它自己的
$\sqrt{\hat v}$，而旋转梯度会把元素混在一起：Adam 的第一步是 $-\eta\operatorname{sign}(g)$，旋转后矩阵的符号并不是符号的旋转。"""),
]
