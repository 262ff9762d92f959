# Markdown of the memory-and-speed sections: key -> (en, zh); "@L@" is the language prefix.
T = {}
T["A1"] = (r"""## Factored second moments: Adafactor

Adam's $v$ has one entry per parameter. For a weight matrix $\theta \in \mathbb{R}^{n_1\times n_2}$
Shazeer and Stern {cite:p}`shazeer2018adafactor` keep only the $n_1$ row means and the $n_2$ column
means of the moving average of $g^2$, and rebuild the matrix from them:

$$
v^{\text{row}}_{t,i} = \beta_{2,t}\, v^{\text{row}}_{t-1,i} + (1-\beta_{2,t})\,\frac{1}{n_2}\sum_j g_{t,ij}^2, \qquad
v^{\text{col}}_{t,j} = \beta_{2,t}\, v^{\text{col}}_{t-1,j} + (1-\beta_{2,t})\,\frac{1}{n_1}\sum_i g_{t,ij}^2, \qquad
\tilde v_{t,ij} = \frac{v^{\text{row}}_{t,i}\, v^{\text{col}}_{t,j}}{\max\big(\frac{1}{n_1}\sum_i v^{\text{row}}_{t,i},\ \epsilon_1\big)} .
$$ (@L@-memory-and-speed-adafactor-v)

A vector keeps its full $v$. PyTorch's `torch.optim.Adafactor`, and `adamcode.Adafactor` with the
same arguments and defaults, divide the gradient by $\sqrt{\tilde v_t}$ and differ from Adam in three
more ways: the decay rate grows with the step, $\beta_{2,t} = 1 - t^{\nu}$ with $\nu = -0.8$
(`beta2_decay`), so the first step keeps $g_1^2$ and no bias correction is needed; there is no first
moment; and the step size is *relative* to the size of the parameters, capped by the learning rate
$\eta$ (default $10^{-2}$):

$$
\xi_t = \frac{g_t}{\sqrt{\max(\tilde v_t,\ \epsilon_1^2)}}, \qquad
\hat \xi_t = \frac{\xi_t}{\max\big(1,\ \operatorname{RMS}(\xi_t)/D\big)}, \qquad
\theta_t = (1-\eta\lambda)\,\theta_{t-1} - \eta_t \max\big(\epsilon_2,\ \operatorname{RMS}(\theta_{t-1})\big)\,\hat \xi_t, \qquad
\eta_t = \min(\eta,\ 1/\sqrt t) .
$$ (@L@-memory-and-speed-adafactor)

$\hat \xi_t$ is the update $\xi_t$ clipped to an RMS of at most $D = 1$ (torch's `d`); $\epsilon_1$ defaults to the machine
epsilon of the parameters' dtype and $\epsilon_2 = 10^{-3}$. PyTorch's documentation writes $\gamma$
for our $\eta$, $\tau$ for our $\nu$, $\rho_t$ for our $\eta_t$, $U_t$ for our $\xi_t$ and $R_t$, $C_t$ for the two factors. The next cell writes one
step for a matrix in ten lines of NumPy and runs it next to `adamcode.Adafactor` on the Iris
classifier, whose parameters form a $5\times 3$ matrix (four rows of weights and a row of biases):""",
r"""## 分解的二阶矩：Adafactor

Adam 的 $v$ 每个参数一个元素。对权重矩阵 $\theta \in \mathbb{R}^{n_1\times n_2}$，Shazeer 和 Stern
{cite:p}`shazeer2018adafactor` 只保存 $g^2$ 的移动平均的 $n_1$ 个行均值和 $n_2$ 个列均值，再由它们重建整个矩阵：

$$
v^{\text{row}}_{t,i} = \beta_{2,t}\, v^{\text{row}}_{t-1,i} + (1-\beta_{2,t})\,\frac{1}{n_2}\sum_j g_{t,ij}^2, \qquad
v^{\text{col}}_{t,j} = \beta_{2,t}\, v^{\text{col}}_{t-1,j} + (1-\beta_{2,t})\,\frac{1}{n_1}\sum_i g_{t,ij}^2, \qquad
\tilde v_{t,ij} = \frac{v^{\text{row}}_{t,i}\, v^{\text{col}}_{t,j}}{\max\big(\frac{1}{n_1}\sum_i v^{\text{row}}_{t,i},\ \epsilon_1\big)} .
$$ (@L@-memory-and-speed-adafactor-v)

向量保留完整的 $v$。PyTorch 的 `torch.optim.Adafactor`，以及参数名和默认值与之相同的
`adamcode.Adafactor`，用 $\sqrt{\tilde v_t}$ 去除梯度，此外还有三处与 Adam 不同：衰减率随步数增大，
$\beta_{2,t} = 1 - t^{\nu}$，$\nu = -0.8$（`beta2_decay`），因此第一步保留 $g_1^2$，不需要偏差修正；
没有一阶矩；步长是**相对**于参数大小的，并以学习率 $\eta$（默认 $10^{-2}$）为上限：

$$
\xi_t = \frac{g_t}{\sqrt{\max(\tilde v_t,\ \epsilon_1^2)}}, \qquad
\hat \xi_t = \frac{\xi_t}{\max\big(1,\ \operatorname{RMS}(\xi_t)/D\big)}, \qquad
\theta_t = (1-\eta\lambda)\,\theta_{t-1} - \eta_t \max\big(\epsilon_2,\ \operatorname{RMS}(\theta_{t-1})\big)\,\hat \xi_t, \qquad
\eta_t = \min(\eta,\ 1/\sqrt t) .
$$ (@L@-memory-and-speed-adafactor)

$\hat \xi_t$ 是把 $\xi_t$ 的 RMS 截断到至多 $D = 1$（torch 的 `d`）的更新；$\epsilon_1$ 默认取参数数据类型的机器精度，
$\epsilon_2 = 10^{-3}$。PyTorch 的文档把我们的 $\eta$ 写作 $\gamma$，把 $\nu$ 写作 $\tau$，把 $\eta_t$ 写作 $\rho_t$，把 $\xi_t$ 写作 $U_t$，把两个因子写作
$R_t$、$C_t$。下一个单元格用十行 NumPy 写出矩阵的一步，并与 `adamcode.Adafactor` 一起在鸢尾花分类器上运行；
该分类器的参数是一个 $5\times 3$ 矩阵（四行权重和一行偏置）：""")

T["A2"] = (r"""Both give the same parameters to round-off. The loss falls slowly because the step is relative:
with $\operatorname{RMS}(\theta_0) = 0.1$ and $\eta_t \le 10^{-2}$ every step is at most $10^{-3}$ per
coordinate in RMS.

The state of an $n_1 \times n_2$ matrix is $n_1 + n_2$ numbers instead of $n_1 n_2$. With $s$ bytes per
number, per parameter,

$$
\frac{s\,(n_1 + n_2)}{n_1 n_2} \quad\text{without momentum}, \qquad
s + \frac{s\,(n_1 + n_2)}{n_1 n_2} \quad\text{with momentum } \beta_1 .
$$ (@L@-memory-and-speed-adafactor-bytes)

PyTorch's Adafactor has no first moment. "With momentum" is the optional $\beta_1$ of Shazeer and
Stern, which keeps one more full array, $m_t = \beta_1 m_{t-1} + (1-\beta_1)\hat \xi_t$, and steps along
$m_t$; `adamcode.Adafactor(beta1=0.9)` adds it (it is not a torch argument). The cell measures the
state from the arrays that `init` and one `step` create and asserts Eq.
{eq}`@L@-memory-and-speed-adafactor-bytes` for float32:""",
r"""两者得到的参数只差舍入误差。损失下降得慢，是因为步长是相对的：$\operatorname{RMS}(\theta_0) = 0.1$，
$\eta_t \le 10^{-2}$，每一步在每个坐标上的 RMS 至多为 $10^{-3}$。

$n_1 \times n_2$ 矩阵的状态是 $n_1 + n_2$ 个数，而不是 $n_1 n_2$ 个。每个数占 $s$ 字节，则每个参数占

$$
\frac{s\,(n_1 + n_2)}{n_1 n_2} \quad\text{（无动量）}, \qquad
s + \frac{s\,(n_1 + n_2)}{n_1 n_2} \quad\text{（有动量 } \beta_1\text{）} .
$$ (@L@-memory-and-speed-adafactor-bytes)

PyTorch 的 Adafactor 没有一阶矩。“有动量”指 Shazeer 和 Stern 论文中可选的 $\beta_1$：再保存一个完整数组
$m_t = \beta_1 m_{t-1} + (1-\beta_1)\hat \xi_t$，并沿 $m_t$ 更新；`adamcode.Adafactor(beta1=0.9)` 提供这一选项
（它不是 torch 的参数）。下面的单元格从 `init` 和一次 `step` 创建的数组中量出状态的大小，并对 float32 验证公式
{eq}`@L@-memory-and-speed-adafactor-bytes`：""")

T["A3"] = (r"""A $1024 \times 1024$ matrix needs 0.007812 bytes of state per parameter, 1/1024 of Adam's 8; with
$\beta_1$ the full array $m$ dominates and the saving is half. A vector gains nothing from factoring
and keeps 4 bytes, half of Adam. In a large model almost all parameters sit in matrices, so
Adafactor's state is nearly free.

### What factoring loses

With $\mathbf 1$ a vector of ones, Eq. {eq}`@L@-memory-and-speed-adafactor-v` replaces the matrix $v$ by
$(v\mathbf 1)(\mathbf 1^\top v)/(\mathbf 1^\top v\mathbf 1)$: its row sums times its column sums over the sum of all
entries (the means' factors $1/n_1$, $1/n_2$ cancel). That matrix has rank 1. So the estimate can be
exact only if $v$ itself has rank 1, and then it is: for $v = \mathbf p\mathbf q^\top$ the row sums are
$\mathbf p\,(\mathbf 1^\top\mathbf q)$, the column sums $(\mathbf 1^\top\mathbf p)\,\mathbf q^\top$, and the estimate is
$\mathbf p\mathbf q^\top$. For a $2\times 2$ matrix the error is the determinant: every entry of
$\tilde v - v$ is $\pm\det(v)/(\mathbf 1^\top v\mathbf 1)$. The SymPy cell checks both:""",
r"""$1024 \times 1024$ 矩阵每个参数只需 0.007812 字节状态，只有 Adam 的 8 字节的 1/1024；加上 $\beta_1$ 后，完整数组
$m$ 占了大头，只省下一半。向量无法分解，仍占 4 字节，是 Adam 的一半。大模型中几乎所有参数都在矩阵里，
所以 Adafactor 的状态几乎不占内存。

### 分解损失了什么

记 $\mathbf 1$ 为全 1 向量，公式 {eq}`@L@-memory-and-speed-adafactor-v` 用 $(v\mathbf 1)(\mathbf 1^\top v)/(\mathbf 1^\top v\mathbf 1)$
代替矩阵 $v$：行和乘列和，再除以全部元素之和（均值中的 $1/n_1$、$1/n_2$ 相互抵消）。这个矩阵的秩为 1。因此只有当 $v$
本身秩为 1 时估计才可能精确，而此时它确实精确：若 $v = \mathbf p\mathbf q^\top$，行和为 $\mathbf p\,(\mathbf 1^\top\mathbf q)$，
列和为 $(\mathbf 1^\top\mathbf p)\,\mathbf q^\top$，估计正是 $\mathbf p\mathbf q^\top$。对 $2\times 2$ 矩阵，误差就是行列式：
$\tilde v - v$ 的每个元素都是 $\pm\det(v)/(\mathbf 1^\top v\mathbf 1)$。下面的 SymPy 单元格验证这两点：""")

T["A4"] = (r"""On a real problem $v$ is not rank 1. The next cell runs Adafactor 200 steps on Iris, records the
gradients, and compares Adam's full $v$ (with Adafactor's $\beta_{2,t}$) with the factored estimate. It
then trains the same model twice with `Adafactor(lr=0.1)`: once with the $5\times 3$ matrix
(factored) and once with the same 15 numbers as a vector (full $v$):""",
r"""实际问题中的 $v$ 并不是秩 1。下一个单元格在鸢尾花数据上运行 Adafactor 200 步，记录梯度，并把 Adam 的完整
$v$（用 Adafactor 的 $\beta_{2,t}$）与分解后的估计相比较；然后用 `Adafactor(lr=0.1)` 把同一个模型训练两次：
一次用 $5\times 3$ 矩阵（分解），一次把同样的 15 个数当作向量（完整的 $v$）：""")

T["A5"] = (r"""Entry by entry the factored $v$ is off by large factors, from 0.11 to 23 times the full one
(the step, which divides by $\sqrt{v}$, by factors of up to 5), yet the two trainings end at the
same loss to three digits, 0.0485. Only the *relative* sizes within a row and a column
survive factoring, and for an optimizer that divides by $\sqrt v$ these carry most of what matters.
Shazeer and Stern report the same on translation models: factoring cost almost nothing in quality.

## 8-bit optimizer states

Dettmers et al. {cite:p}`dettmers2022optimizers` keep Adam's $m$ and $v$ but store each number in
one byte. Three ideas make this work:

- **Blockwise scaling.** The array is cut into blocks of $n_b$ numbers ($n_b = 2048$ in the paper); each
  block is divided by its largest absolute value, its *absmax*, which is stored in float32. One
  outlier then spoils only its own block.
- **A dynamic code.** Each scaled number in $[-1, 1]$ is replaced by the index of the nearest of 256
  values. A linear grid would have steps of $2/255 \approx 0.008$ and round everything below that
  to 0; the *dynamic* map of Dettmers {cite:p}`dettmers2016dynamic` spends its values on seven
  decades, $10^{-6}$ to 1, with a fraction of fixed relative precision in each. The book implements
  the variant of bitsandbytes' `create_dynamic_map` (`adamcode.chapters.memory_and_speed.dynamic_map`):
  a signed map for $m$, and for $v \ge 0$ an unsigned one that uses the sign bit for one more bit
  of fraction.
- **Update in float32.** Each step dequantizes $m$ and $v$, takes Adam's step in float32, and
  quantizes the new $m$ and $v$ with new absmax values (`memory.Adam8bit`).

The state is then $2\,(1 + 4/n_b)$ bytes per parameter, 2.0039 for $n_b = 2048$, a quarter of Adam's 8.""",
r"""逐元素看，分解后的 $v$ 偏差很大，是完整 $v$ 的 0.11 到 23 倍（除以 $\sqrt{v}$ 的更新最多偏差约 5 倍），
但两次训练的最终损失在三位有效数字内相同，都是 0.0485。分解后只保留了一行、一列内部的**相对**大小，
而对除以 $\sqrt v$ 的优化器，要紧的信息大多就在其中。Shazeer 和 Stern 在翻译模型上的结论相同：分解几乎不损失质量。

## 8 位优化器状态

Dettmers 等 {cite:p}`dettmers2022optimizers` 保留 Adam 的 $m$ 和 $v$，但每个数只用一个字节存储。这靠三个想法：

- **分块缩放。** 把数组切成每块 $n_b$ 个数（论文中 $n_b = 2048$），每块除以其中最大的绝对值（absmax），absmax
  以 float32 保存。这样一个离群值只影响它所在的块。
- **动态编码。** 缩放到 $[-1, 1]$ 的每个数被替换为 256 个取值中最近者的下标。线性网格的间隔是
  $2/255 \approx 0.008$，比它小的数都会被舍入为 0；Dettmers {cite:p}`dettmers2016dynamic` 的**动态**映射把取值分布在
  $10^{-6}$ 到 1 的七个数量级上，每个数量级内有固定的相对精度。本书实现的是 bitsandbytes 中
  `create_dynamic_map` 的变体（`adamcode.chapters.memory_and_speed.dynamic_map`）：$m$ 用有符号映射，
  $v \ge 0$ 用无符号映射，把符号位用作多一位小数。
- **以 float32 更新。** 每一步先把 $m$、$v$ 反量化，以 float32 做 Adam 的一步，再用新的 absmax 把新的 $m$、$v$
  量化（`memory.Adam8bit`）。

这样状态为每个参数 $2\,(1 + 4/n_b)$ 字节，$n_b = 2048$ 时为 2.0039 字节，只有 Adam 的 8 字节的 1/4。""")

T["A6"] = (r"""The map's values are dense near 1, where the relative gap is 0.35 %, and sparse near $10^{-3}$,
where it is 5.8 %; a linear grid has no value at all between 0 and 0.008:""",
r"""映射的取值在 1 附近很密，相对间隔为 0.35 %；在 $10^{-3}$ 附近较疏，相对间隔为 5.8 %；而线性网格在 0 和 0.008
之间没有任何取值：""")

T["A7"] = (r"""How large is the error for real moment estimates? The cell takes Adam's float32 $m$ and $v$ after
500 steps on a noisy least-squares problem with $2^{14}$ parameters whose gradient scales vary over
$e^{\pm 3}$, quantizes and dequantizes them, and reports the error (normwise, and the median of the
entries' relative errors) and the bytes per parameter measured from `Adam8bit`'s state record:""",
r"""对真实的矩估计，误差有多大？下面的单元格取 Adam 在一个 $2^{14}$ 个参数的带噪最小二乘问题上运行 500 步后的 float32
$m$ 和 $v$（各坐标的梯度尺度在 $e^{\pm 3}$ 范围内变化），量化再反量化，报告误差（按范数，以及各元素相对误差的中位数），
以及从 `Adam8bit` 的状态记录量出的每参数字节数：""")

T["A8"] = (r"""Each number is off by about 2–3 % (the median), the arrays by 0.6–1.8 % in norm; smaller blocks
help a little. The training runs below compare float32 Adam with 8-bit Adam on the same problem
($2^{13}$ parameters, $\eta = 10^{-2}$, 400 steps, the same noise for every method), once with all
gradient scales equal (spread 0) and once spread over $e^{\pm3}$ (spread 3); the table gives the mean
loss over the last 100 steps:""",
r"""每个数的误差约为 2–3 %（中位数），整个数组按范数约为 0.6–1.8 %；块越小略好一些。下面的训练比较 float32 Adam 与
8 位 Adam（同一问题，$2^{13}$ 个参数，$\eta = 10^{-2}$，400 步，各方法用相同的噪声）：一次所有梯度尺度相同（spread 0），
一次分布在 $e^{\pm3}$ 内（spread 3）；表中是最后 100 步的平均损失：""")

T["A9"] = (r"""With equal scales 8-bit Adam ends within 1.2 times the float32 loss. With scales spread over
$e^{\pm 3}$, $v$ spans five decades inside a block of 2048; the small entries sit in the coarse part of
the map, where one gap is larger than what one step adds to $v$ ($(1-\beta_2) g^2$, a thousandth),
so rounding to the nearest value throws the increment away and $v$ cannot follow the gradients.
That run stalls at 7.3 times the float32 loss ({numref}`@L@-fig-memory-8bit`); blocks of 256 keep
magnitudes alike within a block and recover float32's loss. Dettmers et al. report 8-bit Adam
matching 32-bit Adam on language and vision models with blocks of 2048.""",
r"""梯度尺度相同时，8 位 Adam 的最终损失不超过 float32 的 1.2 倍。尺度分布在 $e^{\pm 3}$ 内时，一个 2048 元素的块中
$v$ 跨越五个数量级；较小的元素落在映射的稀疏区，那里一个间隔比一步给 $v$ 增加的量（$(1-\beta_2) g^2$，千分之一）还大，
舍入到最近值会把增量丢掉，$v$ 就跟不上梯度。这次训练停在 float32 损失的 7.3 倍（{numref}`@L@-fig-memory-8bit`）；
256 元素的块使块内数值大小相近，恢复了 float32 的损失。Dettmers 等报告：在语言和视觉模型上，块大小为 2048 的 8 位 Adam
与 32 位 Adam 效果相当。""")

T["A10"] = (r"""## Bytes per parameter, method by method

The table puts the methods side by side, every state measured from `init` and one `step`
(`memory.bytes_table`): Adafactor's on a float32 $1024\times1024$ matrix, the others', which do not
depend on the shape, on a $64\times64$ one. $K$ is what Rajbhandari et al.
{cite:p}`rajbhandari2020zero` call the optimizer's bytes: the state plus, in mixed precision, the
4-byte master weights. The total adds the weights and the gradient: $4 + 4$ bytes in float32
training, $2 + 2$ in mixed precision (Eq. {eq}`@L@-memory-and-speed-mixed`). The last four columns
redo ZeRO's example, $d = 7.5$ billion parameters on $N_{\text{dev}} = 64$ devices, in GB per
device: without sharding $(2+2+K)\,d$; sharding the optimizer state $4d + Kd/N_{\text{dev}}$; also
the gradients $2d + (2+K)\,d/N_{\text{dev}}$; also the parameters $(4+K)\,d/N_{\text{dev}}$. Adafactor's row counts
every parameter as part of such a matrix, Muon's as part of a hidden matrix.""",
r"""## 各方法每个参数的字节数

下表把各方法并列，每个状态都从 `init` 和一次 `step` 量出（`memory.bytes_table`）：Adafactor 的在 float32 $1024\times1024$ 矩阵上量，其余方法的状态与形状无关，在 $64\times64$ 矩阵上量。
$K$ 是 Rajbhandari 等 {cite:p}`rajbhandari2020zero` 所说的优化器字节数：状态，加上混合精度中 4 字节的主权重。
总计再加上权重和梯度：float32 训练为 $4 + 4$ 字节，混合精度为 $2 + 2$ 字节（公式 {eq}`@L@-memory-and-speed-mixed`）。
最后四列重做 ZeRO 的例子：$d = 75$ 亿个参数，$N_{\text{dev}} = 64$ 个设备，单位为每个设备的 GB：不分片为 $(2+2+K)\,d$；
分片优化器状态为 $4d + Kd/N_{\text{dev}}$；再分片梯度为 $2d + (2+K)\,d/N_{\text{dev}}$；再分片参数为 $(4+K)\,d/N_{\text{dev}}$。
Adafactor 一行把每个参数都算作这样一个矩阵的一部分，Muon 一行把每个参数都算作隐藏层矩阵的一部分。""")

T["A11"] = (r"""Mixed-precision Adam reproduces ZeRO's numbers: 120 GB, 31.4, 16.6 and 1.88 GB per device. In
mixed precision the 16-bit weights and gradients and the float32 master copy cost 8 bytes per
parameter whatever the optimizer, so the methods differ less than their states do: Adafactor
halves the total (8.008 bytes, 60 GB without sharding), 8-bit Adam saves 6 bytes (10.0 bytes,
75 GB), Lion and Muon one array (12 bytes, 90 GB). Once the state is sharded over 64 devices, the
unsharded 16-bit weights and gradients dominate and all methods need 30.5–31.4 GB per device.""",
r"""混合精度 Adam 复现了 ZeRO 的数字：每个设备 120 GB、31.4、16.6 和 1.88 GB。混合精度中，16 位权重与梯度加上 float32
主权重，无论用什么优化器都要每个参数 8 字节，所以各方法总量的差距小于状态的差距：Adafactor 把总量减半（8.008 字节，
不分片 60 GB），8 位 Adam 省下 6 字节（10.0 字节，75 GB），Lion 和 Muon 省下一个数组（12 字节，90 GB）。一旦状态分片到
64 个设备上，未分片的 16 位权重和梯度占了主导，各方法每个设备都需要 30.5–31.4 GB。""")

# figures: key -> (caption en, alt en, caption zh, alt zh, name suffix)
FIG = {
 "mem-6": (r"The positive values of three 8-bit maps against their rank, on a logarithmic axis of $|x|/\max|x|$: the dynamic maps of Dettmers et al. as bitsandbytes implements them (`dynamic_map(signed=False)`, used for $v$, and `dynamic_map(signed=True)`, used for $m$) and a linear map on $[-1, 1]$.",
           "Dot plot: the dynamic maps place their values evenly on a logarithmic axis from about 1e-7 to 1, the linear map only between 0.008 and 1.",
           r"三种 8 位映射的正取值按序号排列，横轴为对数刻度的 $|x|/\max|x|$：Dettmers 等的动态映射（bitsandbytes 的实现；`dynamic_map(signed=False)` 用于 $v$，`dynamic_map(signed=True)` 用于 $m$）与 $[-1, 1]$ 上的线性映射。",
           "点图：动态映射的取值在对数轴上从约 1e-7 到 1 均匀分布，线性映射只分布在 0.008 到 1 之间。",
           "memory-8bit-map"),
 "mem-9": (r"Loss of Adam with float32 states and with 8-bit blockwise states (blocks of 2048 and 256) on a noisy least-squares problem with $2^{13}$ parameters whose gradient scales are spread over $e^{\pm 3}$; $\eta = 10^{-2}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, the same noise for every run.",
           "Three loss curves on a log scale: float32 Adam and 8-bit Adam with blocks of 256 fall together; 8-bit Adam with blocks of 2048 levels off about seven times higher.",
           r"在 $2^{13}$ 个参数、梯度尺度分布在 $e^{\pm 3}$ 内的带噪最小二乘问题上，float32 状态的 Adam 与 8 位分块状态（块大小 2048 和 256）的 Adam 的损失；$\eta = 10^{-2}$，$\beta_1 = 0.9$，$\beta_2 = 0.999$，各次运行噪声相同。",
           "对数坐标下的三条损失曲线：float32 Adam 与块大小为 256 的 8 位 Adam 一起下降；块大小为 2048 的 8 位 Adam 停在约高七倍的水平。",
           "memory-8bit"),
}

T["S"] = (r"""- Adafactor keeps, for an $n_1\times n_2$ matrix, $n_1 + n_2$ numbers of second-moment state
  (Eq. {eq}`@L@-memory-and-speed-adafactor-v`): $s(n_1+n_2)/(n_1n_2)$ bytes per parameter, 0.0078
  for a float32 $1024\times1024$ matrix (Eq. {eq}`@L@-memory-and-speed-adafactor-bytes`). Its rank-1
  estimate of $v$ is exact exactly when $v$ has rank 1; on Iris it misjudges entries by factors up to
  23 and trains as well as the full $v$.
- 8-bit Adam stores $m$ and $v$ in one byte each with a float32 absmax per block, $2(1 + 4/n_b)$ bytes
  per parameter; the dynamic map keeps the relative error near 2–3 %. Blocks must be small enough
  that the magnitudes in a block are alike, or $v$ stops following the gradients.
- In mixed precision the weights, gradients and master copy cost 8 bytes per parameter whatever the
  optimizer: 16 bytes with Adam, 12 with Lion or Muon, 10.0 with 8-bit Adam, 8.008 with Adafactor.""",
r"""- Adafactor 对 $n_1\times n_2$ 矩阵只保存 $n_1 + n_2$ 个二阶矩状态数（公式 {eq}`@L@-memory-and-speed-adafactor-v`）：
  每个参数 $s(n_1+n_2)/(n_1n_2)$ 字节，float32 的 $1024\times1024$ 矩阵为 0.0078 字节（公式 {eq}`@L@-memory-and-speed-adafactor-bytes`）。
  它对 $v$ 的秩 1 估计当且仅当 $v$ 秩为 1 时精确；在鸢尾花数据上，个别元素的偏差可达 23 倍，但训练效果与完整的 $v$ 相同。
- 8 位 Adam 把 $m$ 和 $v$ 各存为一个字节，每块另存一个 float32 absmax，每个参数 $2(1 + 4/n_b)$ 字节；动态映射使相对误差保持在
  2–3 % 左右。块必须足够小，使块内数值大小相近，否则 $v$ 跟不上梯度。
- 混合精度中，权重、梯度和主权重无论用什么优化器都要每个参数 8 字节：Adam 共 16 字节，Lion 或 Muon 12 字节，8 位 Adam 10.0 字节，
  Adafactor 8.008 字节。""")

EX = [
 ("ex-adafactor-llama", r"""```{exercise}
:label: @L@-memory-and-speed-ex-adafactor-llama

★ A feed-forward layer of a 7-billion-parameter language model has a $4096\times 11008$ weight
matrix. How many bytes of float32 state per parameter does Adafactor keep for it, with and without
$\beta_1$, and how many times less than Adam is that?
```""", r"""```{exercise}
:label: @L@-memory-and-speed-ex-adafactor-llama

★ 一个 70 亿参数语言模型的前馈层有一个 $4096\times 11008$ 的权重矩阵。对它，Adafactor 每个参数保存多少字节 float32 状态
（有 $\beta_1$ 和无 $\beta_1$）？各是 Adam 的几分之一？
```""", "mem-ex1",
 r"""By Eq. {eq}`@L@-memory-and-speed-adafactor-bytes` with $s = 4$: 0.00134 bytes per parameter
without $\beta_1$, 1/5970 of Adam's 8; with $\beta_1$ 4.001 bytes, half of Adam.""",
 r"""由公式 {eq}`@L@-memory-and-speed-adafactor-bytes`，$s = 4$：无 $\beta_1$ 时每个参数 0.00134 字节，只有 Adam 的 8 字节的 1/5970；
有 $\beta_1$ 时 4.001 字节，是 Adam 的一半。"""),
 ("ex-8bit-block", r"""```{exercise}
:label: @L@-memory-and-speed-ex-8bit-block

★★ (coding) Rerun the spread-3 training of {numref}`@L@-fig-memory-8bit` with blocks of 64 and with
the whole array as one block (`memory.Adam8bit(block=...)`). Report the final losses and the bytes
per parameter, and explain the trend.
```""", r"""```{exercise}
:label: @L@-memory-and-speed-ex-8bit-block

★★（编程）用块大小 64 以及整个数组作为一块（`memory.Adam8bit(block=...)`）重做 {numref}`@L@-fig-memory-8bit` 中 spread 3 的训练。
报告最终损失和每参数字节数，并解释其趋势。
```""", "mem-ex2",
 r"""Blocks of 64 and 256 (2.125 and 2.031 bytes per parameter) match float32 Adam. With blocks of
2048, or the whole array as one block (2.001 bytes), the loss stays several times higher, and
almost all of the excess comes from the coordinates with the smallest gradient scales: their $m$
and $v$ lie far below the block's absmax, in the coarse bottom of the map. Here every block of
2048 already holds scales from the whole range $e^{\pm3}$, so one block for the whole array is no
better in kind; where exactly the two stall (0.097 and 0.021) depends on which entries get stuck.
The absmax values cost $8/n_b$ bytes per parameter, which is what limits how small blocks can be.""",
 r"""块大小 64 和 256（每个参数 2.125 和 2.031 字节）与 float32 Adam 相当。块大小 2048，或整个数组作为一块（2.001 字节），
损失都高出数倍，而多出的损失几乎全部来自梯度尺度最小的坐标：它们的 $m$ 和 $v$ 远小于块的 absmax，落在映射底部的稀疏区。
这里每个 2048 元素的块已经包含了整个 $e^{\pm3}$ 范围内的尺度，所以整个数组作为一块在性质上并不更好；两者具体停在哪里
（0.097 和 0.021）取决于哪些元素被卡住。absmax 每个参数占 $8/n_b$ 字节，这限制了块能有多小。"""),
 ("ex-rank-one", r"""```{exercise}
:label: @L@-memory-and-speed-ex-rank-one

★★★ Let $v$ be an $n_1\times n_2$ matrix with positive entries. Show that the factored estimate of
Eq. {eq}`@L@-memory-and-speed-adafactor-v` (with $\epsilon_1 = 0$) equals $v$ if and only if $v$ has
rank 1, and that it always preserves the row sums and the column sums of $v$.
```""", r"""```{exercise}
:label: @L@-memory-and-speed-ex-rank-one

★★★ 设 $v$ 是元素全为正的 $n_1\times n_2$ 矩阵。证明公式 {eq}`@L@-memory-and-speed-adafactor-v` 中的分解估计（取 $\epsilon_1 = 0$）
等于 $v$ 当且仅当 $v$ 秩为 1，并证明它总是保持 $v$ 的行和与列和。
```""", "mem-ex3",
 r"""The estimate is $\tilde v = (v\mathbf 1)(\mathbf 1^\top v)/(\mathbf 1^\top v\mathbf 1)$. Its row sums are
$\tilde v\mathbf 1 = (v\mathbf 1)(\mathbf 1^\top v\mathbf 1)/(\mathbf 1^\top v\mathbf 1) = v\mathbf 1$, and likewise its column sums are
those of $v$. It has rank 1, so $\tilde v = v$ forces rank 1. Conversely, if $v = \mathbf p\mathbf q^\top$ then
$v\mathbf 1 = \mathbf p\,(\mathbf 1^\top\mathbf q)$, $\mathbf 1^\top v = (\mathbf 1^\top\mathbf p)\,\mathbf q^\top$,
$\mathbf 1^\top v\mathbf 1 = (\mathbf 1^\top\mathbf p)(\mathbf 1^\top\mathbf q)$ and $\tilde v = \mathbf p\mathbf q^\top = v$. The cell checks both on a random $3\times 4$ example.""",
 r"""估计为 $\tilde v = (v\mathbf 1)(\mathbf 1^\top v)/(\mathbf 1^\top v\mathbf 1)$。它的行和为
$\tilde v\mathbf 1 = (v\mathbf 1)(\mathbf 1^\top v\mathbf 1)/(\mathbf 1^\top v\mathbf 1) = v\mathbf 1$，同理列和也与 $v$ 相同。它的秩为 1，
所以 $\tilde v = v$ 要求 $v$ 秩为 1。反之，若 $v = \mathbf p\mathbf q^\top$，则 $v\mathbf 1 = \mathbf p\,(\mathbf 1^\top\mathbf q)$、
$\mathbf 1^\top v = (\mathbf 1^\top\mathbf p)\,\mathbf q^\top$、$\mathbf 1^\top v\mathbf 1 = (\mathbf 1^\top\mathbf p)(\mathbf 1^\top\mathbf q)$，
于是 $\tilde v = \mathbf p\mathbf q^\top = v$。下面的单元格在一个随机 $3\times 4$ 例子上检查这两点。"""),
]
