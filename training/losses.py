"""Ranking losses over padded batches of lists: ``scores``, ``targets`` and ``mask`` are (B, L) tensors.

``mask`` is True where an item is real; padded items never contribute. Targets are per-list z-scores (higher is
better).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

_NEG = -1e4  # finite stand-in for -inf: exp() underflows to 0 without producing NaN gradients


def listmle(scores: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """ListMLE (Xia et al. 2008): negative log-likelihood of the true order under the Plackett-Luce model.

    With pi the items sorted by target descending and n the list length,
        loss(list) = (1/n) * sum_{k=1..n} [ log sum_{j>=k} exp(s_{pi_j}) - s_{pi_k} ],
    averaged over the lists that have at least two items.
    """
    order = torch.argsort(targets.masked_fill(~mask, float("-inf")), dim=1, descending=True)
    s = scores.gather(1, order)
    m = mask.gather(1, order)
    s = s.masked_fill(~m, _NEG)
    tail_lse = torch.logcumsumexp(s.flip(1), dim=1).flip(1)
    per_item = (tail_lse - s) * m
    n = m.sum(1)
    valid = n >= 2
    if not valid.any():
        return scores.sum() * 0.0
    return (per_item.sum(1)[valid] / n[valid]).mean()


def bpr(scores: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Bayesian personalised ranking over every ordered pair inside a list:
        loss = mean_{(i, j): t_i > t_j, same list} -log sigmoid(s_i - s_j) = mean softplus(s_j - s_i).
    """
    pair = (targets.unsqueeze(2) > targets.unsqueeze(1)) & mask.unsqueeze(2) & mask.unsqueeze(1)
    if not pair.any():
        return scores.sum() * 0.0
    diff = scores.unsqueeze(2) - scores.unsqueeze(1)
    return F.softplus(-diff[pair]).mean()


def mse(scores: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean squared error on the real items: loss = sum(mask * (s - t)^2) / sum(mask)."""
    m = mask.to(scores.dtype)
    return ((scores - targets) ** 2 * m).sum() / m.sum().clamp(min=1.0)
