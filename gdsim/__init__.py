"""gdsim: the simulations, figures and animations behind a site about gradient descent.

The package root holds the science (pure NumPy: data, model, descent, stability, …) and what a
chapter declares itself with (``assets``, ``facts``, ``stored``, ``digests``, ``paths``);
``chapters/`` and ``draw/`` hold one module per chapter. The machinery lives apart: ``build/``
renders and keys the assets, ``site/`` turns the catalogue into the MkDocs site.
"""

__version__ = "0.1.0"
