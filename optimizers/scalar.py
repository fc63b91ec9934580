"""Scalar fast paths of the common update rules, for `simulate()` with a handful of runs.

With one or two runs (a scene simulates each optimizer from one start) the cost of
a NumPy step is the ~0.5 µs overhead of each ufunc call, not the arithmetic: a
Python-float loop over the 2·K coordinates is several times cheaper. Each kernel
repeats its rule's operations in exactly the same order on Python floats, which
are IEEE doubles like NumPy's float64 (``math.sqrt`` is correctly rounded like
``np.sqrt``), so the results are bit for bit those of the array rule.

``make(hp)`` returns ``None`` unless every hyperparameter is a plain float (per-run
arrays take the array rule), else ``kernel(n) -> step(g, p, lr)``: ``g`` and ``p``
are lists of ``n`` floats; ``step`` overwrites ``p`` with the new parameters and
keeps the optimizer state in its closure. Python raises where NumPy returns
inf/NaN (``x / 0.0``, overflow in ``**``); `simulate` then reruns on the array rule.
"""
from __future__ import annotations

from math import sqrt

import numpy as np
from typing import Callable


def _scalars(hp: dict) -> bool:
    return all(type(v) in (float, bool) for v in hp.values())


def sgd(hp: dict) -> Callable | None:
    if not _scalars(hp):
        return None
    momentum, dampening, wd = hp["momentum"], hp["dampening"], hp["weight_decay"]
    nesterov, maximize = hp["nesterov"], hp["maximize"]
    one_minus_damp = 1.0 - dampening

    def kernel(n):
        vel = [0.0] * n
        count = [0]

        def step(g, p, lr):
            first = count[0] == 0
            count[0] += 1
            neg_lr = -lr
            for i in range(n):
                gi = -g[i] if maximize else g[i]
                if wd != 0.0:
                    gi = gi + wd * p[i]
                if momentum != 0.0:
                    v = gi if first else vel[i] * momentum + one_minus_damp * gi
                    vel[i] = v
                    s = gi + momentum * v if nesterov else v
                else:
                    s = gi
                p[i] = p[i] + neg_lr * s
        return step
    return kernel


def adam(hp: dict) -> Callable | None:
    """Adam and AdamW (`adam.adam_step`)."""
    if not _scalars(hp):
        return None
    beta1, beta2, eps, wd = hp["beta1"], hp["beta2"], hp["eps"], hp["weight_decay"]
    amsgrad, maximize, decoupled = hp["amsgrad"], hp["maximize"], hp["decoupled_weight_decay"]
    w = 1.0 - beta1
    w_small = w < 0.5
    one_minus_w = 1.0 - w
    one_minus_beta2 = 1.0 - beta2

    def kernel(n):
        mu, nu, nu_max = [0.0] * n, [0.0] * n, [0.0] * n
        count = [0]

        def step(g, p, lr):
            count[0] += 1
            t = float(count[0])
            bias_correction1 = 1.0 - beta1 ** t
            bias_correction2_sqrt = (1.0 - beta2 ** t) ** 0.5
            neg_step = -(lr / bias_correction1)
            decay = 1.0 - lr * wd
            for i in range(n):
                gi = -g[i] if maximize else g[i]
                pi = p[i]
                if wd != 0.0:
                    if decoupled:
                        pi = pi * decay
                    else:
                        gi = gi + wd * pi
                m = mu[i]
                m = m + w * (gi - m) if w_small else gi - (gi - m) * one_minus_w
                mu[i] = m
                v = nu[i] * beta2 + (one_minus_beta2 * gi) * gi
                nu[i] = v
                if amsgrad:
                    vm = nu_max[i]
                    if not vm >= v:     # np.maximum: NaN wins
                        vm = v
                    nu_max[i] = vm
                    denom = sqrt(vm) / bias_correction2_sqrt + eps
                else:
                    denom = sqrt(v) / bias_correction2_sqrt + eps
                p[i] = pi + (neg_step * m) / denom
        return step
    return kernel


def rmsprop(hp: dict) -> Callable | None:
    if not _scalars(hp):
        return None
    alpha, eps, wd, momentum = hp["alpha"], hp["eps"], hp["weight_decay"], hp["momentum"]
    centered, maximize = hp["centered"], hp["maximize"]
    one_minus_alpha = 1.0 - alpha
    w_small = one_minus_alpha < 0.5
    one_minus_w = 1.0 - one_minus_alpha

    def kernel(n):
        square_avg, grad_avg, buf = [0.0] * n, [0.0] * n, [0.0] * n

        def step(g, p, lr):
            neg_lr = -lr
            for i in range(n):
                gi = -g[i] if maximize else g[i]
                pi = p[i]
                if wd != 0.0:
                    gi = gi + wd * pi
                s = square_avg[i] * alpha + (one_minus_alpha * gi) * gi
                square_avg[i] = s
                if centered:
                    a = grad_avg[i]
                    a = a + one_minus_alpha * (gi - a) if w_small else gi - (gi - a) * one_minus_w
                    grad_avg[i] = a
                    avg = sqrt(s - a * a) + eps
                else:
                    avg = sqrt(s) + eps
                if momentum != 0.0:
                    b = buf[i] * momentum + gi / avg
                    buf[i] = b
                    p[i] = pi + neg_lr * b
                else:
                    p[i] = pi + (neg_lr * gi) / avg
        return step
    return kernel


def adagrad(hp: dict, initial: float) -> Callable | None:
    if not _scalars(hp) or type(initial) is not float:
        return None
    lr_decay, eps, wd, maximize = hp["lr_decay"], hp["eps"], hp["weight_decay"], hp["maximize"]

    def kernel(n):
        state_sum = [0.0 + initial] * n
        count = [0]

        def step(g, p, lr):
            count[0] += 1
            clr = lr / (1 + (float(count[0]) - 1) * lr_decay)
            neg_clr = -clr
            for i in range(n):
                gi = -g[i] if maximize else g[i]
                pi = p[i]
                if wd != 0.0:
                    gi = gi + wd * pi
                s = state_sum[i] + gi * gi
                state_sum[i] = s
                p[i] = pi + (neg_clr * gi) / (sqrt(s) + eps)
        return step
    return kernel


def adamax(hp: dict) -> Callable | None:
    if not _scalars(hp):
        return None
    beta1, beta2, eps, wd, maximize = hp["beta1"], hp["beta2"], hp["eps"], hp["weight_decay"], hp["maximize"]
    w = 1 - beta1
    w_small = w < 0.5
    one_minus_w = 1.0 - w

    def kernel(n):
        mu, u = [0.0] * n, [0.0] * n
        count = [0]

        def step(g, p, lr):
            count[0] += 1
            neg_clr = -(lr / (1 - beta1 ** float(count[0])))
            for i in range(n):
                gi = -g[i] if maximize else g[i]
                pi = p[i]
                if wd != 0.0:
                    gi = gi + wd * pi
                m = mu[i]
                m = m + w * (gi - m) if w_small else gi - (gi - m) * one_minus_w
                mu[i] = m
                a, b = u[i] * beta2, abs(gi) + eps
                ui = a if (a >= b or a != a) else b     # np.maximum: NaN wins
                u[i] = ui
                p[i] = pi + (neg_clr * m) / ui
        return step
    return kernel


def nadam(hp: dict) -> Callable | None:
    if not _scalars(hp):
        return None
    beta1, beta2, eps, wd = hp["beta1"], hp["beta2"], hp["eps"], hp["weight_decay"]
    momentum_decay, decoupled, maximize = hp["momentum_decay"], hp["decoupled_weight_decay"], hp["maximize"]
    w = 1 - beta1
    w_small = w < 0.5
    one_minus_w = 1.0 - w
    one_minus_beta2 = 1 - beta2

    def kernel(n):
        mu_, nu = [0.0] * n, [0.0] * n
        state = [0, 1.0]       # count, mu_product

        def step(g, p, lr):
            t = float(state[0] + 1)
            state[0] += 1
            bias_correction2 = 1 - beta2 ** t
            decay = 1 - lr * wd
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * momentum_decay)))
            mu_product = state[1] * mu
            state[1] = mu_product
            mu_product_next = mu_product * mu_next
            c1 = -lr * (1.0 - mu) / (1.0 - mu_product)
            c2 = ((-lr) * mu_next) / (1.0 - mu_product_next)
            for i in range(n):
                gi = -g[i] if maximize else g[i]
                pi = p[i]
                if wd != 0.0:
                    if decoupled:
                        pi = pi * decay
                    else:
                        gi = gi + wd * pi
                m = mu_[i]
                m = m + w * (gi - m) if w_small else gi - (gi - m) * one_minus_w
                mu_[i] = m
                v = nu[i] * beta2 + (one_minus_beta2 * gi) * gi
                nu[i] = v
                denom = sqrt(v / bias_correction2) + eps
                pi = pi + (c1 * gi) / denom
                p[i] = pi + (c2 * m) / denom
        return step
    return kernel


def radam(hp: dict) -> Callable | None:
    if not _scalars(hp):
        return None
    beta1, beta2, eps, wd = hp["beta1"], hp["beta2"], hp["eps"], hp["weight_decay"]
    decoupled, maximize = hp["decoupled_weight_decay"], hp["maximize"]
    w = 1 - beta1
    w_small = w < 0.5
    one_minus_w = 1.0 - w
    one_minus_beta2 = 1 - beta2
    rho_inf = 2 / (1 - beta2) - 1

    def kernel(n):
        mu, nu = [0.0] * n, [0.0] * n
        count = [0]

        def step(g, p, lr):
            count[0] += 1
            t = float(count[0])
            decay = 1 - lr * wd
            bias_correction1 = 1 - beta1 ** t
            bias_correction2 = 1 - beta2 ** t
            rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
            rectified = rho_t > 5.0
            if rectified:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                bc2_sqrt = bias_correction2 ** 0.5
            for i in range(n):
                gi = -g[i] if maximize else g[i]
                pi = p[i]
                if wd != 0.0:
                    if decoupled:
                        pi = pi * decay
                    else:
                        gi = gi + wd * pi
                m = mu[i]
                m = m + w * (gi - m) if w_small else gi - (gi - m) * one_minus_w
                mu[i] = m
                v = nu[i] * beta2 + (one_minus_beta2 * gi) * gi
                nu[i] = v
                corrected = m / bias_correction1
                if rectified:
                    p[i] = pi - corrected * lr * (bc2_sqrt / (sqrt(v) + eps)) * rect
                else:
                    p[i] = pi - corrected * lr
        return step
    return kernel


# In-place array kernels for many runs: ``inplace(params) -> step(g, p, out, lr)`` writes the new
# parameters into ``out`` (the next row of the path) with preallocated buffers and ``out=``
# ufuncs, in the array rule's order of operations. ``g`` and ``p`` are only read.

def sgd_inplace(hp: dict) -> Callable | None:
    if not _scalars(hp):
        return None
    momentum, dampening, wd = hp["momentum"], hp["dampening"], hp["weight_decay"]
    nesterov, maximize = hp["nesterov"], hp["maximize"]
    one_minus_damp = 1.0 - dampening

    def inplace(params):
        vel, gb, tmp = np.empty_like(params), np.empty_like(params), np.empty_like(params)
        count = [0]

        def step(g, p, out, lr):
            if maximize:
                g = np.negative(g, out=gb)
            if wd != 0.0:
                np.multiply(p, wd, out=tmp)
                g = np.add(g, tmp, out=gb)
            s = g
            if momentum != 0.0:
                if count[0] == 0:
                    vel[...] = g
                else:
                    np.multiply(vel, momentum, out=vel)
                    if one_minus_damp == 1.0:       # g · 1.0 is g, bit for bit: one pass fewer
                        np.add(vel, g, out=vel)
                    else:
                        np.multiply(g, one_minus_damp, out=tmp)
                        np.add(vel, tmp, out=vel)
                if nesterov:
                    np.multiply(vel, momentum, out=tmp)
                    s = np.add(g, tmp, out=tmp)
                else:
                    s = vel
            count[0] += 1
            np.multiply(s, -lr, out=out)
            np.add(p, out, out=out)
        return step
    return inplace


def adam_inplace(hp: dict) -> Callable | None:
    if not _scalars(hp):
        return None
    beta1, beta2, eps, wd = hp["beta1"], hp["beta2"], hp["eps"], hp["weight_decay"]
    amsgrad, maximize, decoupled = hp["amsgrad"], hp["maximize"], hp["decoupled_weight_decay"]
    w = 1.0 - beta1
    w_small = w < 0.5
    one_minus_w = 1.0 - w
    one_minus_beta2 = 1.0 - beta2

    def inplace(params):
        mu, nu, nu_max = np.zeros_like(params), np.zeros_like(params), np.zeros_like(params)
        gb, tmp, tmp2 = np.empty_like(params), np.empty_like(params), np.empty_like(params)
        count = [0]

        def step(g, p, out, lr):
            count[0] += 1
            t = float(count[0])
            if maximize:
                g = np.negative(g, out=gb)
            if wd != 0.0:
                if decoupled:
                    p = np.multiply(p, 1.0 - lr * wd, out=out)
                else:
                    np.multiply(p, wd, out=tmp)
                    g = np.add(g, tmp, out=gb)
            np.subtract(g, mu, out=tmp)
            if w_small:
                np.multiply(tmp, w, out=tmp)
                np.add(mu, tmp, out=mu)
            else:
                np.multiply(tmp, one_minus_w, out=tmp)
                np.subtract(g, tmp, out=mu)
            np.multiply(nu, beta2, out=nu)
            np.multiply(g, one_minus_beta2, out=tmp)
            np.multiply(tmp, g, out=tmp)
            np.add(nu, tmp, out=nu)
            bias_correction1 = 1.0 - beta1 ** t
            bias_correction2_sqrt = (1.0 - beta2 ** t) ** 0.5
            if amsgrad:
                np.maximum(nu_max, nu, out=nu_max)
                np.sqrt(nu_max, out=tmp)
            else:
                np.sqrt(nu, out=tmp)
            np.divide(tmp, bias_correction2_sqrt, out=tmp)
            np.add(tmp, eps, out=tmp)
            np.multiply(mu, -(lr / bias_correction1), out=tmp2)
            np.divide(tmp2, tmp, out=tmp2)
            np.add(p, tmp2, out=out)
        return step
    return inplace
