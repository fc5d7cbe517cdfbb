import math

import pytest
import torch

from training.losses import bpr, listmle, mse


def _t(*rows):
    return torch.tensor(rows, dtype=torch.float32)


def test_listmle_matches_hand_computed_plackett_luce():
    scores, targets = _t([2.0, 1.0, 0.0]), _t([0.5, 1.5, -1.0])  # true order: item1, item0, item2
    mask = torch.ones(1, 3, dtype=torch.bool)
    s1, s0, s2 = 1.0, 2.0, 0.0
    lse = lambda *x: math.log(sum(math.exp(v) for v in x))  # noqa: E731
    expected = ((lse(s1, s0, s2) - s1) + (lse(s0, s2) - s0) + (lse(s2) - s2)) / 3
    assert listmle(scores, targets, mask).item() == pytest.approx(expected, rel=1e-5)


def test_listmle_ignores_padding_and_single_item_lists():
    scores = _t([2.0, 1.0, 0.0, 99.0], [5.0, -7.0, 0.0, 0.0])
    targets = _t([0.5, 1.5, -1.0, 9.0], [1.0, 0.0, 0.0, 0.0])
    mask = torch.tensor([[True, True, True, False], [True, False, False, False]])
    alone = listmle(scores[:1, :3], targets[:1, :3], mask[:1, :3])
    assert listmle(scores, targets, mask).item() == pytest.approx(alone.item(), rel=1e-5)


def test_bpr_over_ordered_pairs():
    scores, targets = _t([1.0, 0.0, 3.0]), _t([2.0, 1.0, 0.0])
    mask = torch.ones(1, 3, dtype=torch.bool)
    softplus = lambda x: math.log1p(math.exp(x))  # noqa: E731
    # pairs (better, worse): (0,1), (0,2), (1,2); loss term = softplus(s_worse - s_better)
    expected = (softplus(0 - 1) + softplus(3 - 1) + softplus(3 - 0)) / 3
    assert bpr(scores, targets, mask).item() == pytest.approx(expected, rel=1e-5)


def test_bpr_skips_ties_and_padding():
    scores, targets = _t([1.0, 0.0, 5.0]), _t([1.0, 1.0, 0.0])
    mask = torch.tensor([[True, True, False]])
    assert bpr(scores, targets, mask).item() == 0.0  # the only real pair is a tie


def test_mse_masks_padding():
    scores, targets = _t([1.0, 3.0, 100.0]), _t([0.0, 1.0, 0.0])
    mask = torch.tensor([[True, True, False]])
    assert mse(scores, targets, mask).item() == pytest.approx((1 + 4) / 2)


def test_listmle_gradient_is_finite_with_padding():
    scores = _t([0.0, 0.0, 0.0]).requires_grad_()
    listmle(scores, _t([1.0, 0.0, 0.0]), torch.tensor([[True, True, False]])).backward()
    assert torch.isfinite(scores.grad).all() and scores.grad[0, 2] == 0
