"""Every `>>>` example in the package's docstrings runs on its own (it imports what it uses, as a reader pasting it
must) and prints what it claims."""

import doctest
import importlib
import pkgutil
import warnings

import pytest

import mlsysim

MODULES = [m.name for m in pkgutil.walk_packages(mlsysim.__path__, "mlsysim.") if not m.name.endswith("__main__")]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    mod = importlib.import_module(module)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mlsysim.PrecisionFallbackWarning)
        for test in finder.find(mod, globs={}):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{module}: {result.failed} docstring example(s) failed"
