"""gdsim: the simulations, figures and animations behind a site about gradient descent."""

__version__ = "0.1.0"
