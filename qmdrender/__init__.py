"""A small Quarto-compatible renderer for this site, used when the ``quarto`` binary is absent.

It reads ``_quarto.yml``, executes each page's ``{python}`` cells in a Jupyter
kernel (nbclient + ipykernel), substitutes inline ``{python}`` expressions,
and converts the result with Pandoc (from the ``pypandoc-binary`` wheel) into
``_site/``.  It is tooling, not part of the ``mlsysim`` package.
"""
