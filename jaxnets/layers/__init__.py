"""Flax Linen building blocks used by :mod:`jaxnets.models`."""

from jaxnets.layers._activations import ACTIVATIONS, PReLU, activation
from jaxnets.layers._conv import Conv2D, TableConv2D, conv_output_size
from jaxnets.layers._dropconnect import DropConnectDense
from jaxnets.layers._dropout import Dropout, mc_predict
from jaxnets.layers._highway import Highway
from jaxnets.layers._norm import BatchNorm, LayerNorm
from jaxnets.layers._pool import AvgPool2D, MaxPool2D, avg_pool, max_pool
from jaxnets.layers._recurrent import (
    CELLS,
    GRUCell,
    LSTMCell,
    Recurrent,
    SimpleRNNCell,
    make_cell,
    unroll,
)
from jaxnets.layers._residual import ResidualConv, ResidualDense

__all__ = [
    "ACTIVATIONS",
    "CELLS",
    "AvgPool2D",
    "BatchNorm",
    "Conv2D",
    "DropConnectDense",
    "Dropout",
    "GRUCell",
    "Highway",
    "LSTMCell",
    "LayerNorm",
    "MaxPool2D",
    "PReLU",
    "Recurrent",
    "ResidualConv",
    "ResidualDense",
    "SimpleRNNCell",
    "TableConv2D",
    "activation",
    "avg_pool",
    "conv_output_size",
    "make_cell",
    "max_pool",
    "mc_predict",
    "unroll",
]
