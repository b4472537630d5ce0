"""Speculative decoding: tokens a target model emits per verification step [@leviathan2023fast]."""

from __future__ import annotations


def speculative_tokens_per_step(draft_tokens, acceptance_rate):
    """Expected tokens per target step, (1 − α^(γ+1)) / (1 − α) [@leviathan2023fast, Eq. (1)].

    `draft_tokens` γ tokens are drafted; each is accepted with probability α (independently), the first
    rejection ends the run, and the target always adds one token of its own.  α = 1 gives γ + 1; α = 0 gives 1.

    Args:
        draft_tokens (int): tokens the drafter proposes per step (γ).
        acceptance_rate (float): probability that the target accepts one drafted token (α), in [0, 1].

    Returns:
        (float): expected tokens emitted per target step, between 1 and γ + 1.

    Example:
        >>> from mlsysim.formulas import speculative_tokens_per_step
        >>> round(speculative_tokens_per_step(4, 0.8), 3)
        3.362
    """
    if acceptance_rate == 1:
        return draft_tokens + 1.0
    return (1 - acceptance_rate ** (draft_tokens + 1)) / (1 - acceptance_rate)
