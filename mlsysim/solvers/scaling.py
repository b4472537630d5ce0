"""Compute-optimal allocation of a training budget [@hoffmann2022chinchilla].

C ≈ 6·N·D and, at the optimum, D ≈ 20·N.  Given a budget the solver returns
the optimal (N, D); given a model size it returns the optimal tokens; given
both it also reports how many tokens the budget buys for that model, and the
resulting tokens per parameter (20 is compute-optimal; above is
over-training, below under-training).
"""

from __future__ import annotations

import dataclasses

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.units import quantity
from .result import Result


@dataclasses.dataclass(frozen=True)
class ScalingResult(Result):
    """Chinchilla-optimal parameters and tokens, and where a chosen model sits: what `ScalingModel.solve` returns.

    Attributes:
        compute_budget (Quantity | None): the training budget (FLOP), given or implied by the model size.
        optimal_parameters (Quantity | None): the compute-optimal parameters for the budget (param).
        optimal_tokens (Quantity | None): the compute-optimal training tokens (token).
        target_parameters (Quantity | None): the chosen model size (param), if one was given.
        budget_tokens (Quantity | None): tokens the budget buys at the chosen size (token).
        tokens_per_parameter (float): budget tokens per parameter of the chosen (or optimal) model.

    Example:
        >>> from mlsysim import Q_, ScalingModel
        >>> r = ScalingModel().solve(compute_budget=Q_(5.88e23, "flop"))
        >>> print(f"{r.optimal_parameters.to('Bparam'):.0f~P}")
        70 Bparam
    """

    compute_budget: object
    optimal_parameters: object
    optimal_tokens: object
    target_parameters: object
    budget_tokens: object
    tokens_per_parameter: float


class ScalingModel:
    """Chinchilla compute-optimal sizing: C ≈ 6·N·D with D ≈ 20·N [@hoffmann2022chinchilla]."""

    def solve(self, compute_budget=None, target_model_size=None, *,
              assumptions: Assumptions | None = None) -> ScalingResult:
        """Optimal size and tokens for `compute_budget` and/or `target_model_size`.

        `assumptions` is accepted like every solver's; no assumption enters this closed
        form (6 FLOPs per parameter-token and 20 tokens per parameter are the fitted
        constants of `formulas.training_compute` and `formulas.chinchilla_tokens`).

        Args:
            compute_budget (Quantity | None): training FLOPs (a Quantity in flop).
            target_model_size (Quantity | None): parameters of a chosen model (a Quantity in param).
            assumptions: accepted for uniformity; default `Assumptions()`.

        Returns:
            The optimal parameters and tokens, and the chosen model's tokens per parameter.

        Example:
            >>> from mlsysim import Q_, ScalingModel
            >>> r = ScalingModel().solve(target_model_size=Q_(70, "Bparam"))
            >>> f"{r.optimal_tokens.to('Ttoken'):.1f}"
            '1.4 Ttokens'
        """
        resolve(assumptions)
        if compute_budget is None and target_model_size is None:
            raise InvalidArgumentError("compute_budget", None, "a FLOP count, a target_model_size, or both")
        c = None if compute_budget is None else validate.quantity_in("compute_budget", compute_budget, "flop", "1e24 flop")
        n = None if target_model_size is None else validate.quantity_in(
            "target_model_size", target_model_size, "param", "70 Bparam")
        if c is None:
            c = formulas.training_compute(n, formulas.chinchilla_tokens(n))
        n_opt = formulas.chinchilla_parameters(c)
        d_opt = formulas.chinchilla_tokens(n_opt)
        target = n if n is not None else n_opt
        budget_tokens = c / (formulas.scaling.TRAINING_FLOPS_PER_PARAM_TOKEN * target)
        return ScalingResult(
            compute_budget=quantity(c, "flop"),
            optimal_parameters=quantity(n_opt / 1e9, "Bparam"),
            optimal_tokens=quantity(d_opt, "token"),
            target_parameters=quantity(target / 1e9, "Bparam"),
            budget_tokens=quantity(budget_tokens, "token"),
            tokens_per_parameter=budget_tokens / target,
        )
